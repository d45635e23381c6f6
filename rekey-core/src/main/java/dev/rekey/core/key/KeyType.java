package dev.rekey.core.key;

import dev.rekey.core.RekeyException;
import java.util.Arrays;
import java.util.stream.Collectors;

/** The algorithms a key can have. The wire name is stable. */
public enum KeyType {
  AES256_GCM("aes256-gcm", KeyPurpose.ENCRYPTION, 32),
  HMAC_SHA256("hmac-sha256", KeyPurpose.MAC, 32);

  private final String wireName;
  private final KeyPurpose purpose;
  private final int materialLength;

  KeyType(String wireName, KeyPurpose purpose, int materialLength) {
    this.wireName = wireName;
    this.purpose = purpose;
    this.materialLength = materialLength;
  }

  public String wireName() {
    return wireName;
  }

  public KeyPurpose purpose() {
    return purpose;
  }

  /** Length of freshly generated symmetric material in bytes. */
  public int materialLength() {
    return materialLength;
  }

  public static KeyType fromWire(String name) {
    for (KeyType t : values()) {
      if (t.wireName.equals(name)) {
        return t;
      }
    }
    throw RekeyException.invalid(
        "unknown key type '" + name + "'; supported: "
            + Arrays.stream(values()).map(KeyType::wireName).collect(Collectors.joining(", ")));
  }
}
