package dev.rekey.core.secret.rotation;

import dev.rekey.core.RekeyException;
import dev.rekey.core.crypto.Randomness;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

/**
 * Webhook signing secrets in the Standard Webhooks form {@code whsec_<base64 of 32 random bytes>}.
 * After a rotation the previous secret keeps verifying for the {@code grace} parameter (ISO-8601,
 * default P1D), so senders and receivers can switch at different times; the verify endpoint checks
 * an incoming signature against every secret in grace.
 */
public final class WebhookHmacRotator implements SecretRotator {
  public static final String TYPE = "webhook-hmac";
  public static final Duration DEFAULT_GRACE = Duration.ofDays(1);
  public static final String PREFIX = "whsec_";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public void validate(Map<String, String> params) {
    grace(params);
  }

  @Override
  public byte[] create(Input in) {
    return (PREFIX + Base64.getEncoder().encodeToString(Randomness.bytes(32))).getBytes(StandardCharsets.UTF_8);
  }

  public static Duration grace(Map<String, String> params) {
    String v = params.get("grace");
    if (v == null) {
      return DEFAULT_GRACE;
    }
    Duration d = dev.rekey.core.Durations.parse("grace", v, "P1D");
    if (d.isNegative()) {
      throw RekeyException.invalid("rotation parameter 'grace' must not be negative");
    }
    return d;
  }

  /** The HMAC key bytes of a {@code whsec_} value (base64 after the prefix), or the raw bytes otherwise. */
  public static byte[] keyBytes(byte[] value) {
    String text = new String(value, StandardCharsets.UTF_8);
    byte[] key;
    if (text.startsWith(PREFIX)) {
      try {
        key = Base64.getDecoder().decode(text.substring(PREFIX.length()));
      } catch (IllegalArgumentException e) {
        throw RekeyException.invalid("the webhook secret is not valid base64 after whsec_");
      }
    } else {
      key = value.clone();
    }
    if (key.length == 0) {
      throw RekeyException.invalid("the webhook secret is empty" + (text.startsWith(PREFIX) ? " after whsec_" : "")
          + "; an HMAC key needs at least one byte");
    }
    return key;
  }
}
