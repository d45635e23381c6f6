package dev.rekey.api;

/**
 * {@code GET /v1/keys/{name}/deks/{tenant}/plaintext}: the data key in the clear (base64) with the
 * version it is. Redacts the key in {@code toString}.
 */
public record DekPlaintext(String namespace, String key, String tenant, int version, int kekVersion,
    String plaintext) {
  @Override
  public String toString() {
    return "DekPlaintext[" + namespace + "/" + key + "/" + tenant + " v" + version + ", kek v" + kekVersion
        + ", plaintext=redacted]";
  }
}
