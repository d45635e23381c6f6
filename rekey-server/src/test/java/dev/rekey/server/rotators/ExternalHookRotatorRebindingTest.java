package dev.rekey.server.rotators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.core.secret.rotation.SecretRotator;
import dev.rekey.server.net.OutboundPolicy;
import dev.rekey.server.net.RebindingResolver;
import dev.rekey.server.webhook.HttpWebhookTransport;
import dev.rekey.server.webhook.Receiver;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The external-hook rotator's calls under DNS rebinding, against real HTTP servers: the hook's
 * name {@code rebind.test} first resolves to 127.0.0.1 (allowed), then to 127.0.0.2 (denied),
 * both listening on the same port. The new value goes to the address that was checked or nowhere.
 */
class ExternalHookRotatorRebindingTest {
  private static final String SIGNING_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final byte[] PENDING = "the-new-value".getBytes(StandardCharsets.UTF_8);

  private Receiver allowed;
  private Receiver denied;
  private RebindingResolver dns;
  private HttpWebhookTransport transport;
  private ExternalHookRotator rotator;
  private Map<String, String> params;

  @BeforeEach
  void setUp() throws Exception {
    allowed = new Receiver();
    denied = new Receiver("127.0.0.2", allowed.port());
    dns = new RebindingResolver("rebind.test", "127.0.0.1", "127.0.0.2");
    OutboundPolicy policy = OutboundPolicy.of(List.of("127.0.0.2/32")).resolvingWith(dns);
    transport = new HttpWebhookTransport(Duration.ofSeconds(2), policy);
    rotator = new ExternalHookRotator(transport, policy, Clock.systemUTC(), transport.timeout());
    params = Map.of("url", "http://rebind.test:" + allowed.port() + "/hook", "signing_secret", "hook-key");
  }

  @AfterEach
  void tearDown() {
    transport.close();
    denied.close();
    allowed.close();
  }

  private SecretRotator.Input input() {
    return new SecretRotator.Input("rot_1", "default", "api-password", params, "old".getBytes(StandardCharsets.UTF_8),
        2, name -> SIGNING_SECRET.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void set_sendsTheValueToTheAddressItChecked_signed() {
    rotator.set(input(), PENDING);

    assertThat(dns.lookups()).isEqualTo(1);
    assertThat(denied.received()).isEmpty();
    assertThat(allowed.received("/hook")).hasSize(1);
    Receiver.Request call = allowed.received("/hook").get(0);
    assertThat(new String(call.body(), StandardCharsets.UTF_8)).contains("\"value\":\"the-new-value\"");
    assertThat(call.headers().get("webhook-id")).isEqualTo("rot_1.set");
  }

  @Test
  void set_afterTheNameRebindsSinceTheUrlWasConfigured_failsTheStep_andTheValueGoesNowhere() {
    rotator.validate(params); // the check as the rotation is configured: 127.0.0.1

    assertThatThrownBy(() -> rotator.set(input(), PENDING)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("outbound_deny").hasMessageNotContaining("the-new-value");

    assertThat(denied.received()).isEmpty();
    assertThat(allowed.received()).isEmpty();
  }
}
