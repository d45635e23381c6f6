package dev.rekey.client;

import java.util.Arrays;

/**
 * A data key from the server: the 256-bit plaintext key and the same key wrapped by a Rekey key
 * version ({@code rekey:v<n>:...}). Holds secret bytes, so it is a final class without
 * equals/hashCode and with a redacted toString. Call {@link #destroy()} when done.
 */
public final class DataKey implements AutoCloseable {
  private final byte[] plaintext;
  private final String ciphertext;
  private final int version;
  private volatile boolean destroyed;

  DataKey(byte[] plaintext, String ciphertext, int version) {
    this.plaintext = plaintext;
    this.ciphertext = ciphertext;
    this.version = version;
  }

  /** A copy of the plaintext key; the caller should wipe it after use. */
  public byte[] plaintext() {
    if (destroyed) {
      throw new IllegalStateException("data key was destroyed");
    }
    return plaintext.clone();
  }

  /** The wrapped key, safe to store next to the data it protects. */
  public String ciphertext() {
    return ciphertext;
  }

  public int version() {
    return version;
  }

  /** Zeroes the plaintext key; further {@link #plaintext()} calls fail. */
  public void destroy() {
    destroyed = true;
    Arrays.fill(plaintext, (byte) 0);
  }

  @Override
  public void close() {
    destroy();
  }

  @Override
  public String toString() {
    return "DataKey[ciphertext=" + ciphertext + ", version=" + version + ", plaintext=redacted]";
  }
}
