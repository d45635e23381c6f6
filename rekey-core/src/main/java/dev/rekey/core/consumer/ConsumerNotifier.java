package dev.rekey.core.consumer;

import dev.rekey.core.crypto.Randomness;
import dev.rekey.core.crypto.SecretBytes;
import dev.rekey.core.port.ConsumerRepository;
import dev.rekey.core.port.WebhookTransport;
import dev.rekey.core.root.MaterialBinding;
import dev.rekey.core.root.RootKeyring;
import dev.rekey.core.webhook.Backoff;
import dev.rekey.core.webhook.DeliveryOutcome;
import dev.rekey.core.webhook.WebhookSignature;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls the update hooks of consumers with a binding in PENDING_UPDATE: a signed POST (Standard
 * Webhooks headers; the {@code webhook-id} is the idempotency key, the same for every retry of one
 * rotation of one binding), retried with exponential backoff and jitter until the consumer answers
 * 2xx or the attempts are exhausted. A 2xx means the request was received; the binding becomes
 * CURRENT when the consumer confirms or is seen on the new version.
 */
public final class ConsumerNotifier {
  private static final Logger LOG = LoggerFactory.getLogger(ConsumerNotifier.class);
  public static final String EVENT_TYPE = "dev.rekey.ConsumerUpdateRequested";

  private final ConsumerRepository consumers;
  private final WebhookTransport transport;
  private final Supplier<RootKeyring> keyring;
  private final Backoff backoff;
  private final Duration lease;
  private final Clock clock;

  public ConsumerNotifier(ConsumerRepository consumers, WebhookTransport transport, Supplier<RootKeyring> keyring,
      Backoff backoff, Duration lease, Clock clock) {
    this.consumers = consumers;
    this.transport = transport;
    this.keyring = keyring;
    this.backoff = backoff;
    this.lease = lease;
    this.clock = clock;
  }

  /** Claims up to {@code limit} due hook calls and makes them; returns how many it made. */
  public int deliverDue(int limit) {
    Instant now = clock.instant();
    List<Binding> claimed = consumers.claimHooks(now, now.plus(lease), limit);
    for (Binding b : claimed) {
      call(b);
    }
    return claimed.size();
  }

  private void call(Binding b) {
    Optional<Consumer> c = consumers.find(b.namespace(), b.consumer());
    if (c.isEmpty() || c.get().hookUrl() == null) {
      consumers.hookResult(b, Binding.HookState.NONE, b.hookAttempts(), null, null, clock.instant());
      return;
    }
    byte[] body = body(b);
    DeliveryOutcome outcome = transport.post(c.get().hookUrl(), headers(c.get(), b, body), body);
    if (Thread.currentThread().isInterrupted()) {
      return; // shutting down: the lease expires and the call is made again
    }
    int attempts = b.hookAttempts() + 1;
    Instant now = clock.instant();
    if (outcome.success()) {
      consumers.hookResult(b, Binding.HookState.DELIVERED, attempts, null, null, now);
    } else if (backoff.exhausted(attempts)) {
      LOG.warn("update hook of consumer {}/{} gave up after {} attempt(s): {}", b.namespace(), b.consumer(),
          attempts, outcome.error());
      consumers.hookResult(b, Binding.HookState.DEAD, attempts, null, outcome.error(), now);
    } else {
      consumers.hookResult(b, Binding.HookState.PENDING, attempts,
          now.plus(backoff.delay(attempts, Randomness.get())), outcome.error(), now);
    }
  }

  /** The idempotency key: one per binding and target version, the same on every retry. */
  public static String messageId(Binding b) {
    String subject = secret(b) ? "secret:" + b.key() : b.key(); // keys keep the ids they always had
    return "cu_" + UUID.nameUUIDFromBytes((b.namespace() + "\0" + b.consumer() + "\0" + subject + "\0"
        + b.targetVersion()).getBytes(StandardCharsets.UTF_8));
  }

  private static boolean secret(Binding b) {
    return b.subject().kind() == BindingSubject.Kind.SECRET;
  }

  private Map<String, String> headers(Consumer c, Binding b, byte[] body) {
    return signedHeaders(keyring.get(), clock, c, messageId(b), body);
  }

  /** Standard Webhooks headers signed with the consumer's hook secret; {@code id} is also the idempotency key. */
  static Map<String, String> signedHeaders(RootKeyring ring, Clock clock, Consumer c, String id, byte[] body) {
    long timestamp = clock.instant().getEpochSecond();
    SecretBytes secret = ring.unwrap(c.hookSecret(), MaterialBinding.consumerHookSecret(c.namespace(), c.name()));
    String signature;
    try {
      signature = WebhookSignature.sign(secret, id, timestamp, body);
    } finally {
      secret.destroy();
    }
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Content-Type", "application/json");
    h.put("User-Agent", "Rekey-Consumer-Hook/1");
    h.put("Idempotency-Key", id);
    h.put(WebhookSignature.HEADER_ID, id);
    h.put(WebhookSignature.HEADER_TIMESTAMP, Long.toString(timestamp));
    h.put(WebhookSignature.HEADER_SIGNATURE, signature);
    return h;
  }

  /**
   * The request: which key (field {@code key}) or secret (field {@code secret}, with
   * {@code subject_kind} secret) moved to which version, by when, and where to confirm.
   */
  static byte[] body(Binding b) {
    StringBuilder s = new StringBuilder(256).append('{');
    field(s, "type", EVENT_TYPE).append(',');
    field(s, "namespace", b.namespace()).append(',');
    field(s, "consumer", b.consumer()).append(',');
    if (secret(b)) {
      field(s, "subject_kind", "secret").append(',');
      field(s, "secret", b.key()).append(',');
    } else {
      field(s, "key", b.key()).append(',');
    }
    s.append("\"version\":").append(b.targetVersion()).append(',');
    s.append("\"version_in_use\":").append(b.version()).append(',');
    field(s, "deadline", b.deadline() == null ? null : b.deadline().toString()).append(',');
    field(s, "confirm_path", "/v1/consumers/" + b.consumer() + (secret(b) ? "/secret-bindings/" : "/bindings/")
        + b.key());
    return s.append('}').toString().getBytes(StandardCharsets.UTF_8);
  }

  private static StringBuilder field(StringBuilder s, String name, String value) {
    s.append('"').append(name).append("\":");
    if (value == null) {
      return s.append("null");
    }
    s.append('"');
    for (int i = 0; i < value.length(); i++) {
      char ch = value.charAt(i);
      if (ch == '"' || ch == '\\') {
        s.append('\\').append(ch);
      } else if (ch < 0x20) {
        s.append(String.format("\\u%04x", (int) ch));
      } else {
        s.append(ch);
      }
    }
    return s.append('"');
  }
}
