package dev.rekey.core.consumer;

import dev.rekey.core.port.ConsumerRepository;
import dev.rekey.core.port.PromotionGate;
import dev.rekey.core.port.WebhookTransport;
import dev.rekey.core.root.RootKeyring;
import dev.rekey.core.webhook.DeliveryOutcome;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Verify before promote through the consumers' hooks: when the key's policy sets
 * {@code verifyBeforePromote}, every bound consumer with a hook gets a signed validation request
 * for the PENDING version ({@code dev.rekey.ConsumerValidationRequested}) and must answer 2xx, up to
 * {@link #ATTEMPTS} attempts each. Consumers without a hook cannot validate and are not asked.
 */
public final class ConsumerValidation implements PromotionGate {
  public static final String EVENT_TYPE = "dev.rekey.ConsumerValidationRequested";
  static final int ATTEMPTS = 3;
  private static final int PAGE = 500;

  private final ConsumerRepository consumers;
  private final WebhookTransport transport;
  private final Supplier<RootKeyring> keyring;
  private final Clock clock;

  public ConsumerValidation(ConsumerRepository consumers, WebhookTransport transport, Supplier<RootKeyring> keyring,
      Clock clock) {
    this.consumers = consumers;
    this.transport = transport;
    this.keyring = keyring;
    this.clock = clock;
  }

  @Override
  public boolean required(String namespace, String key) {
    return consumers.policy(namespace, key).map(PropagationPolicy::verifyBeforePromote).orElse(false);
  }

  @Override
  public List<String> validate(String namespace, String key, int version) {
    List<String> failed = new ArrayList<>();
    String after = null;
    while (true) {
      List<Binding> page = consumers.bindingsOfKey(namespace, key, after, PAGE);
      for (Binding b : page) {
        consumers.find(namespace, b.consumer()).filter(c -> c.hookUrl() != null).ifPresent(c -> {
          if (!passes(c, key, version)) {
            failed.add(c.name());
          }
        });
      }
      if (page.size() < PAGE) {
        return failed;
      }
      after = page.get(page.size() - 1).consumer();
    }
  }

  private boolean passes(Consumer c, String key, int version) {
    String id = "cv_" + UUID.nameUUIDFromBytes((c.namespace() + "\0" + c.name() + "\0" + key + "\0" + version)
        .getBytes(StandardCharsets.UTF_8));
    byte[] body = ("{\"type\":\"" + EVENT_TYPE + "\",\"namespace\":\"" + c.namespace() + "\",\"consumer\":\""
        + c.name() + "\",\"key\":\"" + key + "\",\"version\":" + version + "}").getBytes(StandardCharsets.UTF_8);
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      DeliveryOutcome outcome = transport.post(c.hookUrl(),
          ConsumerNotifier.signedHeaders(keyring.get(), clock, c, id, body), body);
      if (outcome.success()) {
        return true;
      }
    }
    return false;
  }
}
