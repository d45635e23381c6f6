package dev.rekey.core.service;

import dev.rekey.core.crypto.SecretBytes;
import dev.rekey.core.port.SecretRotationRepository;
import dev.rekey.core.secret.Secret;
import dev.rekey.core.secret.SecretVersion;
import dev.rekey.core.secret.rotation.WebhookHmacRotator;
import dev.rekey.core.webhook.WebhookSignature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Checks an incoming Standard Webhooks signature against the webhook secrets in grace: CURRENT,
 * and PREVIOUS for the rotation's {@code grace} after a rotation (the webhook-hmac rotator).
 */
public final class WebhookSecretVerifier {
  private final SecretService secrets;
  private final SecretRotationRepository rotations;
  private final Clock clock;

  public WebhookSecretVerifier(SecretService secrets, SecretRotationRepository rotations, Clock clock) {
    this.secrets = secrets;
    this.rotations = rotations;
    this.clock = clock;
  }

  /** The outcome of checking a webhook signature: which version verified it, or why none did. */
  public record WebhookCheck(boolean valid, Integer version, String reason) {}

  /** How far a webhook timestamp may be from now (Standard Webhooks recommends five minutes). */
  public static final Duration WEBHOOK_TOLERANCE = Duration.ofMinutes(5);

  /**
   * Checks a Standard Webhooks signature against every secret in grace: CURRENT, and PREVIOUS
   * until {@code grace} (the rotation parameter, default P1D) after it stopped being current.
   */
  public WebhookCheck verify(String namespace, String name, String messageId, long timestamp, byte[] body,
      String signatureHeader) {
    Instant now = clock.instant();
    if (Math.abs(now.getEpochSecond() - timestamp) > WEBHOOK_TOLERANCE.getSeconds()) {
      return new WebhookCheck(false, null, "timestamp outside the tolerance of " + WEBHOOK_TOLERANCE);
    }
    Secret secret = secrets.get(namespace, name);
    Duration grace = rotations.config(namespace, name).map(c -> WebhookHmacRotator.grace(c.params()))
        .orElse(WebhookHmacRotator.DEFAULT_GRACE);
    List<SecretVersion> candidates = new ArrayList<>();
    candidates.add(secret.current());
    secret.previous().filter(p -> now.isBefore(p.lifecycle().stateChangedAt().plus(grace))).ifPresent(candidates::add);
    for (SecretVersion v : candidates) {
      byte[] value = secrets.read(namespace, name, null, v.number()).value();
      SecretBytes key = SecretBytes.wrap(WebhookHmacRotator.keyBytes(value));
      Arrays.fill(value, (byte) 0);
      try {
        if (WebhookSignature.verify(key, messageId, timestamp, body, signatureHeader)) {
          return new WebhookCheck(true, v.number(), null);
        }
      } finally {
        key.destroy();
      }
    }
    return new WebhookCheck(false, null, "no secret in grace matches the signature");
  }
}
