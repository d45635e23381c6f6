package dev.rekey.api;

/**
 * Exported key material: {@code format} is {@code pkcs8-pem} (signing keys: the private key) or
 * {@code raw-base64} (symmetric keys). {@code value} is secret and never shown by {@link #toString}.
 */
public record KeyExportResponse(String name, int version, String type, String format, String value) {
  @Override
  public String toString() {
    return "KeyExportResponse[" + name + " v" + version + ", " + type + ", " + format + ", redacted]";
  }
}
