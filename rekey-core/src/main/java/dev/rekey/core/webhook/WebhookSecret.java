package dev.rekey.core.webhook;

import dev.rekey.core.RekeyException;
import dev.rekey.core.crypto.SecretAccess;
import dev.rekey.core.crypto.SecretBytes;
import java.util.Base64;

/**
 * The Standard Webhooks secret format: {@code whsec_} followed by the base64 of the raw key bytes.
 * Receivers decode the part after the prefix and use those bytes as the HMAC-SHA256 key.
 */
public final class WebhookSecret {
  public static final String PREFIX = "whsec_";
  /** 32 random bytes: the HMAC-SHA256 block-size-safe key length Standard Webhooks recommends (24 to 64). */
  public static final int LENGTH = 32;

  private WebhookSecret() {}

  public static SecretBytes generate() {
    return SecretBytes.random(LENGTH);
  }

  /** The {@code whsec_...} text; as secret as the bytes, show it only once. */
  public static String format(SecretBytes secret) {
    return PREFIX + Base64.getEncoder().encodeToString(secret.reveal(SecretAccess.get()));
  }

  /** Parses {@code whsec_<base64>} (also accepts bare base64, as the spec's libraries do). */
  public static SecretBytes parse(String text) {
    String b64 = text != null && text.startsWith(PREFIX) ? text.substring(PREFIX.length()) : text;
    try {
      byte[] bytes = Base64.getDecoder().decode(b64 == null ? "" : b64);
      if (bytes.length == 0) {
        throw new IllegalArgumentException();
      }
      return SecretBytes.wrap(bytes);
    } catch (IllegalArgumentException e) {
      throw RekeyException.invalid("a webhook secret is 'whsec_' followed by base64");
    }
  }
}
