package dev.rekey.core.key;

import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * Key material encrypted under a root key. Not secret by itself, but its bytes are never printed.
 * {@code rootKeyId} names the root key generation that wrapped it.
 */
public final class WrappedKey {
  private final byte[] ciphertext;
  private final String rootKeyId;

  public WrappedKey(byte[] ciphertext, String rootKeyId) {
    this.ciphertext = Objects.requireNonNull(ciphertext).clone();
    this.rootKeyId = Objects.requireNonNull(rootKeyId);
  }

  public byte[] ciphertext() {
    return ciphertext.clone();
  }

  public String rootKeyId() {
    return rootKeyId;
  }

  public String ciphertextBase64() {
    return Base64.getEncoder().encodeToString(ciphertext);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WrappedKey w && w.rootKeyId.equals(rootKeyId) && Arrays.equals(w.ciphertext, ciphertext);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(ciphertext) + rootKeyId.hashCode();
  }

  @Override
  public String toString() {
    return "WrappedKey[root=" + rootKeyId + ", " + ciphertext.length + " bytes]";
  }
}
