package dev.rekey.core.crypto;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;

/**
 * Key material or plaintext. No equals/hashCode, a redacted toString, and reading the bytes needs
 * a {@link SecretAccess}. {@link #destroy()} overwrites the copy held here.
 */
public final class SecretBytes {
  private final byte[] bytes;
  private volatile boolean destroyed;

  private SecretBytes(byte[] bytes) {
    this.bytes = bytes;
  }

  /** Takes a copy of {@code bytes}; the caller should wipe its own array. */
  public static SecretBytes copyOf(byte[] bytes) {
    return new SecretBytes(Objects.requireNonNull(bytes).clone());
  }

  /** Takes ownership of {@code bytes} without copying. */
  public static SecretBytes wrap(byte[] bytes) {
    return new SecretBytes(Objects.requireNonNull(bytes));
  }

  public static SecretBytes random(int length) {
    byte[] b = new byte[length];
    Randomness.get().nextBytes(b);
    return new SecretBytes(b);
  }

  public int length() {
    return bytes.length;
  }

  /** The bytes themselves, not a copy: do not modify or keep them. */
  public byte[] reveal(SecretAccess access) {
    Objects.requireNonNull(access);
    if (destroyed) {
      throw new IllegalStateException("secret was destroyed");
    }
    return bytes;
  }

  /** Constant-time comparison. */
  public boolean sameAs(SecretBytes other) {
    return MessageDigest.isEqual(bytes, other.bytes);
  }

  public void destroy() {
    destroyed = true;
    Arrays.fill(bytes, (byte) 0);
  }

  @Override
  public String toString() {
    return "SecretBytes[" + bytes.length + " bytes, redacted]";
  }
}
