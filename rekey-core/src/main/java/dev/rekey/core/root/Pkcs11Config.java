package dev.rekey.core.root;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * Where the PKCS#11 seal key lives: the module (shared library) path, the token (either
 * {@code slot}, the PKCS#11 slot id, or {@code slotListIndex}, the position in the module's slot
 * list), the user PIN, and the label of the AES key. Validated once by {@link Builder#build()},
 * then immutable. The PIN is never printed.
 */
public final class Pkcs11Config {
  private final Path library;
  private final Long slot;
  private final Integer slotListIndex;
  private final char[] pin;
  private final String keyLabel;

  private Pkcs11Config(Builder b) {
    this.library = b.library;
    this.slot = b.slot;
    this.slotListIndex = b.slotListIndex;
    this.pin = b.pin.clone();
    this.keyLabel = b.keyLabel;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Path library() {
    return library;
  }

  /** The PKCS#11 slot id, or null when {@link #slotListIndex()} is used. */
  public Long slot() {
    return slot;
  }

  /** The index in the module's slot list, or null when {@link #slot()} is used. */
  public Integer slotListIndex() {
    return slotListIndex;
  }

  public String keyLabel() {
    return keyLabel;
  }

  /** A copy of the PIN; the caller wipes it. */
  char[] pin() {
    return pin.clone();
  }

  /** SunPKCS11 provider configuration. Generated AES keys are sensitive and not extractable. */
  String providerConfig() {
    StringBuilder sb = new StringBuilder();
    sb.append("name = rekey\n");
    sb.append("library = ").append(library).append('\n');
    if (slot != null) {
      sb.append("slot = ").append(slot).append('\n');
    } else {
      sb.append("slotListIndex = ").append(slotListIndex).append('\n');
    }
    sb.append("attributes(generate, CKO_SECRET_KEY, CKK_AES) = {\n")
        .append("  CKA_SENSITIVE = true\n")
        .append("  CKA_EXTRACTABLE = false\n")
        .append("}\n");
    return sb.toString();
  }

  @Override
  public String toString() {
    return "Pkcs11Config[library=" + library + (slot != null ? ", slot=" + slot : ", slotListIndex=" + slotListIndex)
        + ", keyLabel=" + keyLabel + ", pin=redacted]";
  }

  /** Collects the settings; {@link #build()} checks them and says what to fix. */
  public static final class Builder {
    private Path library;
    private Long slot;
    private Integer slotListIndex;
    private char[] pin;
    private String keyLabel = "rekey-root-seal";

    private Builder() {}

    public Builder library(Path library) {
      this.library = library;
      return this;
    }

    public Builder slot(long slot) {
      this.slot = slot;
      return this;
    }

    public Builder slotListIndex(int slotListIndex) {
      this.slotListIndex = slotListIndex;
      return this;
    }

    /** Takes a copy; the caller may wipe its array. */
    public Builder pin(char[] pin) {
      this.pin = pin == null ? null : pin.clone();
      return this;
    }

    /** Defaults to {@code rekey-root-seal}. */
    public Builder keyLabel(String keyLabel) {
      this.keyLabel = keyLabel;
      return this;
    }

    public Pkcs11Config build() {
      if (library == null) {
        throw new IllegalArgumentException("pkcs11 library is required: the path of the token's PKCS#11 module,"
            + " for example /usr/lib/softhsm/libsofthsm2.so");
      }
      if (!Files.isRegularFile(library)) {
        throw new IllegalArgumentException("pkcs11 library " + library + " does not exist or is not a file");
      }
      if ((slot == null) == (slotListIndex == null)) {
        throw new IllegalArgumentException("set exactly one of pkcs11 slot (the slot id) and slotListIndex"
            + " (the position in the slot list, 0 for the first token)");
      }
      if (slotListIndex != null && slotListIndex < 0) {
        throw new IllegalArgumentException("pkcs11 slotListIndex must be 0 or more, got " + slotListIndex);
      }
      if (pin == null || pin.length == 0) {
        throw new IllegalArgumentException("pkcs11 pin is required: the token's user PIN");
      }
      if (keyLabel == null || keyLabel.isBlank() || keyLabel.contains("\n")) {
        throw new IllegalArgumentException("pkcs11 keyLabel must be a non-blank single line");
      }
      try {
        return new Pkcs11Config(this);
      } finally {
        Arrays.fill(pin, '\0');
        pin = null;
      }
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Pkcs11Config c && c.library.equals(library) && Objects.equals(c.slot, slot)
        && Objects.equals(c.slotListIndex, slotListIndex) && c.keyLabel.equals(keyLabel);
  }

  @Override
  public int hashCode() {
    return Objects.hash(library, slot, slotListIndex, keyLabel);
  }
}
