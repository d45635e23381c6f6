package dev.rekey.core.usage;

import java.util.Locale;

/**
 * The operations counted per key version. Each names the version it used: ENCRYPT, DATAKEY, MAC
 * and SIGN the primary that produced the output; DECRYPT, MAC_VERIFY and VERIFY the version named
 * by the input; REWRAP the version that was read (the old one), which is what shows whether data
 * still depends on it. A rewrap's new ciphertext under the primary is not counted again.
 */
public enum Operation {
  ENCRYPT, DECRYPT, REWRAP, DATAKEY, MAC, MAC_VERIFY, SIGN, VERIFY;

  private static final Operation[] ALL = values();

  /** The name on the wire, in storage and in metric labels: {@code encrypt}, {@code mac_verify}... */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  static int count() {
    return ALL.length;
  }

  static Operation of(int ordinal) {
    return ALL[ordinal];
  }

  /** The operation of a stored name; IllegalArgumentException for an unknown one. */
  public static Operation fromWire(String name) {
    for (Operation o : ALL) {
      if (o.wireName().equals(name)) {
        return o;
      }
    }
    throw new IllegalArgumentException("unknown operation '" + name + "'");
  }
}
