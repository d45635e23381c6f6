package dev.rekey.core.root;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The stored form of the sealed root keyring: {@code "RKS1" | seal type | shares | threshold |
 * sealed blob}. The seal configuration travels in the same value so that one atomic write
 * initializes the installation. The configuration is not secret (and not authenticated: a wrong
 * N or T only makes unsealing fail).
 */
record KeyringRecord(String sealType, int shares, int threshold, byte[] sealed) {
  private static final byte[] MAGIC = "RKS1".getBytes(StandardCharsets.US_ASCII);
  private static final int MAX_SEALED = 1 << 20;

  byte[] encode() {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.write(MAGIC);
      out.writeUTF(sealType);
      out.writeInt(shares);
      out.writeInt(threshold);
      out.writeInt(sealed.length);
      out.write(sealed);
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static KeyringRecord decode(byte[] value) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(value));
      if (!Arrays.equals(in.readNBytes(MAGIC.length), MAGIC)) {
        throw new IllegalStateException("the stored root keyring is not in a known format");
      }
      String type = in.readUTF();
      int shares = in.readInt();
      int threshold = in.readInt();
      int length = in.readInt();
      if (length < 0 || length > MAX_SEALED) {
        throw new IllegalStateException("the stored root keyring is corrupt");
      }
      byte[] sealed = in.readNBytes(length);
      if (sealed.length != length || in.read() != -1) {
        throw new IllegalStateException("the stored root keyring is corrupt");
      }
      return new KeyringRecord(type, shares, threshold, sealed);
    } catch (IOException e) {
      throw new IllegalStateException("the stored root keyring is corrupt", e);
    }
  }

  /** The seal configuration in the text form stored under {@link RootOfTrust#SEAL_CONFIG_NAME}. */
  byte[] configText() {
    return ("type=" + sealType + "\nshares=" + shares + "\nthreshold=" + threshold + "\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeyringRecord r && Arrays.equals(r.encode(), encode());
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(encode());
  }

  @Override
  public String toString() {
    return "KeyringRecord[" + sealType + ", shares=" + shares + ", threshold=" + threshold + "]";
  }
}
