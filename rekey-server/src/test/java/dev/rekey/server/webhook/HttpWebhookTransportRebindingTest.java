package dev.rekey.server.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rekey.core.webhook.DeliveryOutcome;
import dev.rekey.server.net.OutboundPolicy;
import dev.rekey.server.net.RebindingResolver;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * DNS rebinding against real HTTP servers on loopback: {@code rebind.test} first resolves to
 * 127.0.0.1 (allowed) and then to 127.0.0.2 (denied, standing in for the metadata service), both
 * listening on the same port. The request must reach the address that was checked, or be refused:
 * never the denied one.
 */
class HttpWebhookTransportRebindingTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  private Receiver allowed;
  private Receiver denied;
  private RebindingResolver dns;
  private HttpWebhookTransport transport;

  @BeforeEach
  void setUp() throws Exception {
    allowed = new Receiver();
    denied = new Receiver("127.0.0.2", allowed.port());
    dns = new RebindingResolver("rebind.test", "127.0.0.1", "127.0.0.2");
    transport = new HttpWebhookTransport(TIMEOUT, OutboundPolicy.of(List.of("127.0.0.2/32")).resolvingWith(dns));
  }

  @AfterEach
  void tearDown() {
    transport.close();
    denied.close();
    allowed.close();
  }

  private String url(String path) {
    return "http://rebind.test:" + allowed.port() + path;
  }

  @Test
  void post_connectsToTheAddressItChecked_notToASecondLookupOfTheName() {
    DeliveryOutcome outcome = transport.post(url("/hook"), Map.of("webhook-id", "msg_1"), new byte[] {1, 2});

    assertThat(outcome.success()).as(String.valueOf(outcome.error())).isTrue();
    assertThat(dns.lookups()).as("the name is looked up once, for the check and the connection").isEqualTo(1);
    assertThat(allowed.received("/hook")).hasSize(1);
    Receiver.Request got = allowed.received("/hook").get(0);
    assertThat(got.headers().get("host")).as("Host names the URL's host, not the address")
        .isEqualTo("rebind.test:" + allowed.port());
    assertThat(got.headers().get("webhook-id")).isEqualTo("msg_1");
    assertThat(got.body()).containsExactly(1, 2);
    assertThat(denied.received()).isEmpty();
  }

  @Test
  void post_whenTheNameNowResolvesToADeniedAddress_isRefused_andNothingReachesIt() {
    assertThat(transport.post(url("/first"), Map.of(), new byte[] {1}).success()).isTrue();

    DeliveryOutcome second = transport.post(url("/second"), Map.of(), new byte[] {1});

    assertThat(second.success()).isFalse();
    assertThat(second.status()).isNull();
    assertThat(second.error()).contains("outbound_deny").contains("127.0.0.2 is in 127.0.0.2/32");
    assertThat(denied.received()).isEmpty();
    assertThat(allowed.received("/second")).as("nor is the checked address reused for a refused lookup").isEmpty();
  }

  @Test
  void post_aRedirectToADeniedAddress_isNotFollowed() {
    allowed.script("/moved", "302 http://127.0.0.2:" + allowed.port() + "/metadata");

    DeliveryOutcome outcome = transport.post(url("/moved"), Map.of(), new byte[] {1});

    assertThat(outcome.success()).isFalse();
    assertThat(outcome.status()).isEqualTo(302);
    assertThat(denied.received()).isEmpty();
  }

  @Test
  void post_toAnIpv6Address_connectsToIt() throws Exception {
    Receiver v6;
    try {
      v6 = new Receiver("::1", 0);
    } catch (java.io.IOException e) {
      org.junit.jupiter.api.Assumptions.abort("no IPv6 loopback here");
      return;
    }
    try (v6) {
      DeliveryOutcome outcome = transport.post("http://[::1]:" + v6.port() + "/v6", Map.of(), new byte[] {1});
      assertThat(outcome.status()).as(String.valueOf(outcome.error())).isEqualTo(200);
      assertThat(v6.received("/v6").get(0).headers().get("host")).isEqualTo("[::1]:" + v6.port());
    }
  }
}
