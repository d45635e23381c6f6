package dev.rekey.core.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ConsumerNotifierTest {
  private static final Instant T = Instant.parse("2026-05-01T10:00:00Z");

  private static Binding binding(int target) {
    return new Binding("default", "billing-db", BindingSubject.key("orders"), BindingOrigin.EXPLICIT, BindingMode.LATEST, 1, T, 0, target,
        BindingState.PENDING_UPDATE, T.plusSeconds(3600), null, Binding.HookState.PENDING, 0, null, T);
  }

  @Test
  void messageId_isTheSameForEveryRetryOfOneRotation_andDiffersForTheNext() {
    assertThat(ConsumerNotifier.messageId(binding(2))).isEqualTo(ConsumerNotifier.messageId(binding(2)))
        .startsWith("cu_").isNotEqualTo(ConsumerNotifier.messageId(binding(3)));
  }

  @Test
  void body_namesKeyVersionDeadlineAndWhereToConfirm() {
    String body = new String(ConsumerNotifier.body(binding(2)), StandardCharsets.UTF_8);
    assertThat(body).isEqualTo("{\"type\":\"dev.rekey.ConsumerUpdateRequested\",\"namespace\":\"default\","
        + "\"consumer\":\"billing-db\",\"key\":\"orders\",\"version\":2,\"version_in_use\":1,"
        + "\"deadline\":\"2026-05-01T11:00:00Z\",\"confirm_path\":\"/v1/consumers/billing-db/bindings/orders\"}");
  }
}
