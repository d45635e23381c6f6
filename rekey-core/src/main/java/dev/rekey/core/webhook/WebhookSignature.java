package dev.rekey.core.webhook;

import dev.rekey.core.crypto.Hmac;
import dev.rekey.core.crypto.SecretBytes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.SecretKey;

/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com): the {@code webhook-signature}
 * header is {@code v1,<base64(HMAC-SHA256(secret, id + "." + timestamp + "." + body))>}, with
 * {@code timestamp} in whole seconds since the epoch, as sent in {@code webhook-timestamp}.
 */
public final class WebhookSignature {
  public static final String HEADER_ID = "webhook-id";
  public static final String HEADER_TIMESTAMP = "webhook-timestamp";
  public static final String HEADER_SIGNATURE = "webhook-signature";
  private static final String VERSION = "v1,";

  private WebhookSignature() {}

  /** The {@code webhook-signature} header value for one message. */
  public static String sign(SecretBytes secret, String messageId, long timestampSeconds, byte[] body) {
    SecretKey key = Hmac.key(secret);
    byte[] mac = Hmac.compute(key, (messageId + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8), body);
    return VERSION + Base64.getEncoder().encodeToString(mac);
  }

  /**
   * Does any of the space-separated signatures in {@code header} match? Constant-time per candidate.
   * Checking that the timestamp is recent is the receiver's other duty.
   */
  public static boolean verify(SecretBytes secret, String messageId, long timestampSeconds, byte[] body, String header) {
    if (header == null) {
      return false;
    }
    byte[] expected = sign(secret, messageId, timestampSeconds, body).getBytes(StandardCharsets.US_ASCII);
    for (String candidate : header.trim().split(" +")) {
      if (MessageDigest.isEqual(expected, candidate.getBytes(StandardCharsets.US_ASCII))) {
        return true;
      }
    }
    return false;
  }
}
