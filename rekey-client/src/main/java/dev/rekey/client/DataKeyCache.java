package dev.rekey.client;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.spec.SecretKeySpec;

/**
 * Plaintext data keys of {@link EnvelopeEncryptor}, in two LRU maps: for encryption by context
 * (one data key serves at most {@code maxMessages} encryptions) and for decryption by wrapped
 * key and context. Entries expire {@code maxAge} after the server made or unwrapped them; each
 * map holds at most {@code maxEntries}. Every evicted, expired, replaced or cleared key is
 * zeroed. The key bytes never leave this class except as short-lived JCA key objects.
 */
final class DataKeyCache {
  /** A data key to encrypt with and its wrapped form. */
  static final class Lease {
    final SecretKeySpec key;
    final String wrappedKey;

    Lease(SecretKeySpec key, String wrappedKey) {
      this.key = key;
      this.wrappedKey = wrappedKey;
    }
  }

  private static final class Entry {
    final byte[] key;
    final String wrappedKey;
    final Instant created;
    long uses;

    Entry(byte[] key, String wrappedKey, Instant created) {
      this.key = key;
      this.wrappedKey = wrappedKey;
      this.created = created;
    }

    void wipe() {
      Arrays.fill(key, (byte) 0);
    }
  }

  private final int maxEntries;
  private final long maxMessages;
  private final Duration maxAge;
  private final Clock clock;
  private final Map<String, Entry> encryption = new LinkedHashMap<>(16, 0.75f, true);
  private final Map<String, Entry> decryption = new LinkedHashMap<>(16, 0.75f, true);

  DataKeyCache(int maxEntries, long maxMessages, Duration maxAge, Clock clock) {
    this.maxEntries = maxEntries;
    this.maxMessages = maxMessages;
    this.maxAge = maxAge;
    this.clock = clock;
  }

  /** A cached data key for one more encryption under {@code context}, or null. */
  synchronized Lease leaseForEncryption(String context) {
    Entry entry = live(encryption, context);
    if (entry == null) {
      return null;
    }
    entry.uses++;
    Lease lease = new Lease(new SecretKeySpec(entry.key, "AES"), entry.wrappedKey);
    if (entry.uses >= maxMessages) {
      encryption.remove(context);
      entry.wipe();
    }
    return lease;
  }

  /**
   * Takes ownership of a fresh data key just used for one encryption: caches it for more, or
   * zeroes it when caching is off or its message budget is spent. Returns the lease for that use.
   */
  synchronized Lease adoptForEncryption(String context, byte[] key, String wrappedKey) {
    Lease lease = new Lease(new SecretKeySpec(key, "AES"), wrappedKey);
    if (maxEntries == 0 || maxMessages <= 1) {
      Arrays.fill(key, (byte) 0);
      return lease;
    }
    Entry entry = new Entry(key, wrappedKey, clock.instant());
    entry.uses = 1;
    put(encryption, context, entry);
    return lease;
  }

  /** A cached unwrapped data key for this wrapped key and context, or null. */
  synchronized SecretKeySpec forDecryption(String wrappedKey, String context) {
    Entry entry = live(decryption, decryptionId(wrappedKey, context));
    return entry == null ? null : new SecretKeySpec(entry.key, "AES");
  }

  /** Takes ownership of a data key the server unwrapped; returns a key object for this use. */
  synchronized SecretKeySpec adoptForDecryption(String wrappedKey, String context, byte[] key) {
    SecretKeySpec spec = new SecretKeySpec(key, "AES");
    if (maxEntries == 0) {
      Arrays.fill(key, (byte) 0);
    } else {
      put(decryption, decryptionId(wrappedKey, context), new Entry(key, wrappedKey, clock.instant()));
    }
    return spec;
  }

  /** Zeroes and drops every cached key. */
  synchronized void clear() {
    encryption.values().forEach(Entry::wipe);
    decryption.values().forEach(Entry::wipe);
    encryption.clear();
    decryption.clear();
  }

  synchronized int size() {
    return encryption.size() + decryption.size();
  }

  private Entry live(Map<String, Entry> map, String id) {
    Entry entry = map.get(id);
    if (entry != null && !clock.instant().isBefore(entry.created.plus(maxAge))) {
      map.remove(id);
      entry.wipe();
      return null;
    }
    return entry;
  }

  private void put(Map<String, Entry> map, String id, Entry entry) {
    Entry old = map.put(id, entry);
    if (old != null) {
      old.wipe();
    }
    Iterator<Entry> eldest = map.values().iterator();
    while (map.size() > maxEntries && eldest.hasNext()) {
      eldest.next().wipe();
      eldest.remove();
    }
  }

  private static String decryptionId(String wrappedKey, String context) {
    return wrappedKey + "\n" + context;
  }
}
