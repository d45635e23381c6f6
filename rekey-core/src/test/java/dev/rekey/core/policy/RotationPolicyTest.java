package dev.rekey.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.api.PolicySpec;
import dev.rekey.core.RekeyException;
import dev.rekey.core.key.KeyType;
import dev.rekey.core.testing.InMemoryPolicyRepository;
import java.util.List;
import org.junit.jupiter.api.Test;

class RotationPolicyTest {

  private static PolicySpec spec(String scope, String period, String cron) {
    return new PolicySpec(scope, period, cron, null, null, null, null, null, null, null, null);
  }

  private static void assertInvalid(PolicySpec s, String messageStart) {
    assertThatThrownBy(() -> RotationPolicy.from(s, "policies[0]"))
        .isInstanceOf(RekeyException.class)
        .hasMessageStartingWith(messageStart);
  }

  @Test
  void from_fullSpec_roundTripsToCanonicalSpec() {
    PolicySpec s = new PolicySpec("key:payments/orders", "p3m", null, "P1Y", List.of("P7D", "P30D"), "P14D", 2, true,
        "PT1H", null, "P60D");
    RotationPolicy p = RotationPolicy.from(s, "");
    PolicySpec canonical = p.toSpec();
    assertThat(canonical.rotationPeriod()).isEqualTo("P3M");
    assertThat(canonical.notifyBefore()).containsExactly("P30D", "P7D");
    assertThat(RotationPolicy.from(canonical, "")).isEqualTo(p);
  }

  @Test
  void from_defaults_areSpelledOut() {
    PolicySpec canonical = RotationPolicy.from(spec("type:aes256-gcm", "P90D", null), "").toSpec();
    assertThat(canonical.dualRunning()).isEqualTo("P7D");
    assertThat(canonical.destroyAfter()).isEqualTo("P30D");
    assertThat(canonical.autoRetire()).isFalse();
  }

  @Test
  void from_badPeriod_namesTheField() {
    assertInvalid(spec("namespace:a", "90 days", null), "policies[0].rotation_period: '90 days' is not an ISO-8601");
  }

  @Test
  void from_negativePeriod_namesTheField() {
    assertInvalid(spec("namespace:a", "P-1D", null), "policies[0].rotation_period: 'P-1D' must be a positive");
  }

  @Test
  void from_periodAndCron_namesCron() {
    assertInvalid(spec("namespace:a", "P1M", "0 0 1 * *"), "policies[0].cron: set either");
  }

  @Test
  void from_badScope_namesScope() {
    assertInvalid(spec("team:a", "P1M", null), "policies[0].scope: 'team:a' must start with");
    assertInvalid(spec("type:rot13", "P1M", null), "policies[0].scope: 'type:rot13' unknown key type");
    assertInvalid(spec(null, "P1M", null), "policies[0].scope: is required");
  }

  @Test
  void from_publishLeadOnEncryptionType_namesPublishLead() {
    assertInvalid(new PolicySpec("type:aes256-gcm", "P1M", null, null, null, null, null, null, null, "P1D", null),
        "policies[0].publish_lead: only signing keys");
  }

  @Test
  void from_publishLeadLongerThanPeriod_namesPublishLead() {
    assertInvalid(new PolicySpec("type:ed25519", "P7D", null, null, null, null, null, null, null, "P10D", null),
        "policies[0].publish_lead: must be shorter");
  }

  @Test
  void from_jitterLongerThanPeriod_namesJitter() {
    assertInvalid(new PolicySpec("namespace:a", "P1D", null, null, null, null, null, null, "P2D", null, null),
        "policies[0].jitter: must be shorter");
  }

  @Test
  void from_badNotifyOffset_namesItsIndex() {
    assertInvalid(new PolicySpec("namespace:a", "P1D", null, "P1Y", List.of("P30D", "soon"), null, null, null, null,
        null, null), "policies[0].notify_before[1]:");
  }

  @Test
  void from_negativeKeepCount_namesTheField() {
    assertInvalid(new PolicySpec("namespace:a", "P1D", null, null, null, null, -1, null, null, null, null),
        "policies[0].retired_to_keep:");
  }

  @Test
  void resolution_keyThenNamespaceThenType() {
    Policies p = Policies.load(new InMemoryPolicyRepository(List.of(spec("type:aes256-gcm", "P1Y", null),
        spec("namespace:pay", "P3M", null), spec("key:pay/orders", "P1M", null))));
    assertThat(p.resolve("pay", "orders", KeyType.AES256_GCM).orElseThrow().schedule().text()).isEqualTo("P1M");
    assertThat(p.resolve("pay", "other", KeyType.AES256_GCM).orElseThrow().schedule().text()).isEqualTo("P3M");
    assertThat(p.resolve("hr", "x", KeyType.AES256_GCM).orElseThrow().schedule().text()).isEqualTo("P1Y");
    assertThat(p.resolve("hr", "x", KeyType.ED25519)).isEmpty();
  }
}
