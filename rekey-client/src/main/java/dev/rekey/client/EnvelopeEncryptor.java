package dev.rekey.client;

import dev.rekey.api.ErrorCode;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Envelope encryption with a Rekey key as the key-encryption key: data is encrypted locally with
 * AES-256-GCM under a data key from the server ({@code datakey}); the envelope (docs/envelope.md)
 * carries the wrapped data key, and decryption unwraps it through the server ({@code decrypt}).
 * The header and the caller's context are authenticated; the context is also bound to the wrapped
 * data key on the server. A {@link DataKeyCache} limits server calls on hot paths: a data key
 * encrypts at most {@code maxMessagesPerDataKey} messages and lives at most {@code maxAge}.
 * Thread-safe. {@link #close()} zeroes every cached key.
 */
public final class EnvelopeEncryptor implements AutoCloseable {
  private static final int KEY_LENGTH = 32;
  private static final int TAG_BITS = EnvelopeFormat.TAG_LENGTH * 8;

  private final RekeyClient client;
  private final String keyName;
  private final DataKeyCache cache;
  private final SecureRandom random;

  private EnvelopeEncryptor(Builder b) {
    this.client = b.client;
    this.keyName = b.keyName;
    this.cache = new DataKeyCache(b.maxEntries, b.maxMessagesPerDataKey, b.maxAge, b.clock);
    this.random = b.random;
  }

  /** A builder for envelopes under the Rekey key {@code keyName} (an {@code aes256-gcm} key). */
  public static Builder builder(RekeyClient client, String keyName) {
    return new Builder(client, keyName);
  }

  /** Encrypts {@code plaintext}; {@code context} (nullable, empty = none) is needed again to decrypt. */
  public byte[] encrypt(byte[] plaintext, byte[] context) {
    Objects.requireNonNull(plaintext, "plaintext");
    byte[] ctx = context == null ? new byte[0] : context;
    String ctxId = Base64.getEncoder().encodeToString(ctx);
    DataKeyCache.Lease lease = cache.leaseForEncryption(ctxId);
    if (lease == null) {
      try (DataKey dataKey = client.generateDataKey(keyName, ctx.length == 0 ? null : ctx)) {
        byte[] key = dataKey.plaintext();
        if (key.length != KEY_LENGTH) {
          Arrays.fill(key, (byte) 0);
          throw RekeyClientException.local(ErrorCode.INTERNAL,
              "the server returned a data key of " + key.length + " bytes, expected " + KEY_LENGTH);
        }
        lease = cache.adoptForEncryption(ctxId, key, dataKey.ciphertext());
      }
    }
    byte[] nonce = new byte[EnvelopeFormat.NONCE_LENGTH];
    random.nextBytes(nonce);
    byte[] header = EnvelopeFormat.header(lease.wrappedKey, nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, lease.key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(header);
      cipher.updateAAD(ctx);
      return EnvelopeFormat.assemble(header, cipher.doFinal(plaintext));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is unavailable in this JVM", e);
    }
  }

  /**
   * Decrypts an envelope made by {@link #encrypt} with the same context. A malformed, tampered
   * or foreign envelope, or a wrong context, fails with {@link ErrorCode#DECRYPTION_FAILED}.
   */
  public byte[] decrypt(byte[] envelope, byte[] context) {
    EnvelopeFormat.Parsed parsed = EnvelopeFormat.parse(envelope);
    byte[] ctx = context == null ? new byte[0] : context;
    String ctxId = Base64.getEncoder().encodeToString(ctx);
    SecretKeySpec key = cache.forDecryption(parsed.wrappedKey, ctxId);
    if (key == null) {
      byte[] raw = client.decrypt(keyName, parsed.wrappedKey, ctx.length == 0 ? null : ctx);
      if (raw.length != KEY_LENGTH) {
        Arrays.fill(raw, (byte) 0);
        throw failed();
      }
      key = cache.adoptForDecryption(parsed.wrappedKey, ctxId, raw);
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, parsed.nonce));
      cipher.updateAAD(parsed.header);
      cipher.updateAAD(ctx);
      return cipher.doFinal(parsed.ciphertext);
    } catch (AEADBadTagException e) {
      throw failed();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is unavailable in this JVM", e);
    }
  }

  /** The wrapped data key ({@code rekey:v<n>:...}) an envelope carries, e.g. to find old versions. */
  public static String wrappedKeyOf(byte[] envelope) {
    return EnvelopeFormat.parse(envelope).wrappedKey;
  }

  /** Zeroes and drops every cached data key. */
  @Override
  public void close() {
    cache.clear();
  }

  int cachedKeys() {
    return cache.size();
  }

  @Override
  public String toString() {
    return "EnvelopeEncryptor[key=" + keyName + ", namespace=" + client.namespace() + "]";
  }

  private static RekeyClientException failed() {
    return RekeyClientException.local(ErrorCode.DECRYPTION_FAILED, "envelope decryption failed");
  }

  /** Cache limits; the defaults suit a hot path: 10,000 messages, 5 minutes, 100 keys. */
  public static final class Builder {
    private final RekeyClient client;
    private final String keyName;
    private long maxMessagesPerDataKey = 10_000;
    private Duration maxAge = Duration.ofMinutes(5);
    private int maxEntries = 100;
    private Clock clock = Clock.systemUTC();
    private SecureRandom random = new SecureRandom();

    private Builder(RekeyClient client, String keyName) {
      this.client = Objects.requireNonNull(client, "client");
      this.keyName = Objects.requireNonNull(keyName, "keyName");
    }

    /** Most messages one data key encrypts; 1 means a fresh data key per message. */
    public Builder maxMessagesPerDataKey(long max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxMessagesPerDataKey must be at least 1");
      }
      this.maxMessagesPerDataKey = max;
      return this;
    }

    /** How long a data key stays cached after the server made or unwrapped it. */
    public Builder maxAge(Duration maxAge) {
      if (maxAge == null || maxAge.isNegative() || maxAge.isZero()) {
        throw new IllegalArgumentException("maxAge must be positive");
      }
      this.maxAge = maxAge;
      return this;
    }

    /** Most cached keys per direction (encrypt, decrypt); 0 turns caching off. */
    public Builder maxEntries(int max) {
      if (max < 0) {
        throw new IllegalArgumentException("maxEntries must not be negative");
      }
      this.maxEntries = max;
      return this;
    }

    /** No caching: every encrypt and decrypt calls the server. */
    public Builder noCache() {
      return maxEntries(0);
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public Builder random(SecureRandom random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    public EnvelopeEncryptor build() {
      return new EnvelopeEncryptor(this);
    }
  }
}
