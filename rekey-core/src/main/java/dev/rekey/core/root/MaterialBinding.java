package dev.rekey.core.root;

import java.nio.charset.StandardCharsets;

/**
 * Associated data that binds wrapped material to its identity, so a stored row copied onto
 * another key, version or purpose fails to unwrap. Names never contain NUL, so the encoding is
 * unambiguous.
 */
public final class MaterialBinding {
  private MaterialBinding() {}

  public static byte[] keyVersion(String namespace, String keyName, int version) {
    return ("rekey/key-version/v1\0" + namespace + "\0" + keyName + "\0" + version).getBytes(StandardCharsets.UTF_8);
  }

  public static byte[] secretVersion(String namespace, String secretName, int version) {
    return ("rekey/secret-version/v1\0" + namespace + "\0" + secretName + "\0" + version).getBytes(StandardCharsets.UTF_8);
  }

  /** For system secrets such as the audit signing key. */
  public static byte[] system(String name) {
    return ("rekey/system/v1\0" + name).getBytes(StandardCharsets.UTF_8);
  }

  /** For the signing secret of a webhook subscription. */
  public static byte[] webhookSecret(String webhookId) {
    return ("rekey/webhook-secret/v1\0" + webhookId).getBytes(StandardCharsets.UTF_8);
  }

  /** For the hook signing secret of a consumer. */
  public static byte[] consumerHookSecret(String namespace, String consumer) {
    return ("rekey/consumer-hook-secret/v1\0" + namespace + "\0" + consumer).getBytes(StandardCharsets.UTF_8);
  }

  /** For the keyring blob sealed by a {@link Seal}. */
  public static byte[] keyring() {
    return "rekey/root-keyring/v1".getBytes(StandardCharsets.UTF_8);
  }
}
