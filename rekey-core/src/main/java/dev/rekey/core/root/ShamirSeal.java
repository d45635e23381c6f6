package dev.rekey.core.root;

import com.codahale.shamir.Scheme;
import dev.rekey.core.RekeyException;
import dev.rekey.core.crypto.AesGcm;
import dev.rekey.core.crypto.Randomness;
import dev.rekey.core.crypto.SecretAccess;
import dev.rekey.core.crypto.SecretBytes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * A seal whose AES-256 key exists only as Shamir shares (com.codahale:shamir, over GF(256)):
 * {@link #init} makes a key and splits it into N shares of which any T rebuild it. After a start
 * the seal is not {@link #ready()} until T distinct shares were {@link #submit submitted}. With
 * T = 1 every share is the whole key (a constant polynomial).
 *
 * <p>A share that is well-formed but wrong rebuilds a wrong key; the seal cannot tell, so the
 * caller opens the keyring with it and calls {@link #forget()} when that fails (see
 * {@link RootOfTrust#unseal}). Thread-safe.
 */
public final class ShamirSeal implements Seal {
  public static final String TYPE = "shamir";
  public static final int MAX_SHARES = 255;

  private int shares;
  private int threshold;
  private final Map<Integer, byte[]> submitted = new TreeMap<>();
  private SecretKey key;

  /** An unconfigured seal: call {@link #init} (new installation) or {@link #configure} (existing one). */
  public ShamirSeal() {}

  /** Checks 1 <= threshold <= shares <= 255; throws INVALID_REQUEST saying what to change. */
  public static void validate(int shares, int threshold) {
    if (shares < 1 || shares > MAX_SHARES) {
      throw RekeyException.invalid("the number of unseal shares must be between 1 and " + MAX_SHARES
          + ", got " + shares);
    }
    if (threshold < 1) {
      throw RekeyException.invalid("the unseal threshold must be at least 1, got " + threshold);
    }
    if (threshold > shares) {
      throw RekeyException.invalid("the unseal threshold (" + threshold + ") cannot exceed the number of shares ("
          + shares + "); lower the threshold or hand out more shares");
    }
  }

  /**
   * Generates a new seal key, keeps it (the seal is ready) and returns its {@code shares} shares in
   * text form ({@code rekey-share-<i>-...}, i = 1..N). The shares are shown once; hand each to a
   * different person.
   */
  public synchronized List<String> init(int shares, int threshold) {
    validate(shares, threshold);
    clearSubmitted();
    byte[] secret = Randomness.bytes(UnsealShare.SHARE_LENGTH);
    try {
      List<String> out = new ArrayList<>(shares);
      if (threshold == 1) {
        for (int i = 1; i <= shares; i++) {
          out.add(UnsealShare.format(i, secret));
        }
      } else {
        Map<Integer, byte[]> parts = new Scheme(Randomness.get(), shares, threshold).split(secret);
        for (Map.Entry<Integer, byte[]> e : parts.entrySet()) {
          out.add(UnsealShare.format(e.getKey(), e.getValue()));
          Arrays.fill(e.getValue(), (byte) 0);
        }
      }
      this.shares = shares;
      this.threshold = threshold;
      this.key = new SecretKeySpec(secret, "AES");
      return List.copyOf(out);
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
  }

  /** Sets N and T of an existing installation; drops any key and progress. */
  public synchronized void configure(int shares, int threshold) {
    validate(shares, threshold);
    forget();
    this.shares = shares;
    this.threshold = threshold;
  }

  /**
   * Adds one share. A share whose number was already submitted with the same content is ignored;
   * with different content it is refused (reset and start over if one of them is wrong). When T
   * distinct shares are present they are combined and the seal becomes ready. Returns the number of
   * shares held after this call (0 once combined). Throws INVALID_REQUEST for a malformed share.
   */
  public synchronized int submit(String shareText) {
    if (threshold == 0) {
      throw RekeyException.illegalState("the shamir seal is not configured");
    }
    if (key != null) {
      return 0;
    }
    int index = UnsealShare.index(shareText);
    if (index > shares) {
      throw RekeyException.invalid("unseal share " + index + " does not exist: this installation has " + shares
          + " shares");
    }
    byte[] share = UnsealShare.bytes(shareText);
    byte[] previous = submitted.get(index);
    if (previous != null) {
      boolean same = Arrays.equals(previous, share);
      Arrays.fill(share, (byte) 0);
      if (!same) {
        throw RekeyException.invalid("a different unseal share " + index + " was already submitted; reset the"
            + " unseal progress and submit the shares again if one of them is wrong");
      }
      return submitted.size();
    }
    submitted.put(index, share);
    if (submitted.size() >= threshold) {
      combine();
      return 0;
    }
    return submitted.size();
  }

  private void combine() {
    byte[] secret = threshold == 1
        ? submitted.values().iterator().next().clone()
        : new Scheme(Randomness.get(), shares, threshold).join(submitted);
    try {
      key = new SecretKeySpec(secret, "AES");
    } finally {
      Arrays.fill(secret, (byte) 0);
      clearSubmitted();
    }
  }

  /** Distinct shares submitted so far towards the threshold. */
  public synchronized int progress() {
    return submitted.size();
  }

  /** Discards submitted shares (not a combined key). */
  public synchronized void reset() {
    clearSubmitted();
  }

  public synchronized int shares() {
    return shares;
  }

  public synchronized int threshold() {
    return threshold;
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public synchronized boolean ready() {
    return key != null;
  }

  @Override
  public boolean autoUnseals() {
    return false;
  }

  /** Drops the combined key and any submitted shares. */
  @Override
  public synchronized void forget() {
    key = null;
    clearSubmitted();
  }

  @Override
  public byte[] seal(SecretBytes plaintext, byte[] associatedData) {
    return AesGcm.encrypt(requireKey(), plaintext.reveal(SecretAccess.get()), associatedData);
  }

  @Override
  public SecretBytes open(byte[] sealed, byte[] associatedData) {
    return SecretBytes.wrap(AesGcm.decrypt(requireKey(), sealed, associatedData));
  }

  private synchronized SecretKey requireKey() {
    if (key == null) {
      throw RekeyException.sealed();
    }
    return key;
  }

  private void clearSubmitted() {
    submitted.values().forEach(b -> Arrays.fill(b, (byte) 0));
    submitted.clear();
  }

  @Override
  public synchronized String toString() {
    return "ShamirSeal[shares=" + shares + ", threshold=" + threshold + ", progress=" + submitted.size()
        + ", ready=" + (key != null) + "]";
  }
}
