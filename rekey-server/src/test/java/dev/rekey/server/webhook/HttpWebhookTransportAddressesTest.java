package dev.rekey.server.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rekey.core.webhook.DeliveryOutcome;
import dev.rekey.server.net.HostResolver;
import dev.rekey.server.net.OutboundPolicy;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A host name with several addresses, on loopback: a receiver listens on 127.0.0.1, nothing on
 * 127.0.0.2 or 127.0.0.3 at its port (so connecting there is refused at once). The transport tries
 * the addresses of the one lookup in order, and the lookup itself has the request's deadline.
 */
class HttpWebhookTransportAddressesTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  private Receiver receiver;
  private final AtomicInteger lookups = new AtomicInteger();

  @BeforeEach
  void setUp() throws Exception {
    receiver = new Receiver();
  }

  @AfterEach
  void tearDown() {
    receiver.close();
  }

  /** Answers {@code addresses} for every name, counting the lookups. */
  private HostResolver answering(String... addresses) {
    return host -> {
      lookups.incrementAndGet();
      InetAddress[] answer = new InetAddress[addresses.length];
      for (int i = 0; i < addresses.length; i++) {
        answer[i] = InetAddress.getByAddress(host, InetAddress.getByName(addresses[i]).getAddress());
      }
      return answer;
    };
  }

  private HttpWebhookTransport transport(Duration timeout, OutboundPolicy policy) {
    return new HttpWebhookTransport(timeout, policy);
  }

  private String url(String path) {
    return "http://multi.test:" + receiver.port() + path;
  }

  @Test
  void post_whenTheFirstAddressRefusesTheConnection_deliversToTheNext_withTheNameAsHost() {
    try (HttpWebhookTransport transport = transport(TIMEOUT,
        OutboundPolicy.DEFAULT.resolvingWith(answering("127.0.0.2", "127.0.0.1")))) {
      DeliveryOutcome outcome = transport.post(url("/hook"), Map.of("webhook-id", "msg_1"), new byte[] {1});

      assertThat(outcome.status()).as(String.valueOf(outcome.error())).isEqualTo(200);
    }
    assertThat(lookups).as("one lookup for the check and every address tried").hasValue(1);
    assertThat(receiver.received("/hook")).hasSize(1);
    assertThat(receiver.received("/hook").get(0).headers().get("host")).isEqualTo("multi.test:" + receiver.port());
  }

  @Test
  void post_whenNoAddressAcceptsAConnection_failsWithTheLastError() {
    try (HttpWebhookTransport transport = transport(TIMEOUT,
        OutboundPolicy.DEFAULT.resolvingWith(answering("127.0.0.2", "127.0.0.3")))) {
      long start = System.nanoTime();

      DeliveryOutcome outcome = transport.post(url("/hook"), Map.of(), new byte[] {1});

      assertThat(outcome.success()).isFalse();
      assertThat(outcome.status()).isNull();
      assertThat(outcome.error()).isEqualTo("connection failed");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT.plusSeconds(1));
    }
    assertThat(lookups).hasValue(1);
  }

  @Test
  void post_whenOneAddressOfSeveralIsDenied_refusesTheHost_andConnectsNowhere() {
    try (HttpWebhookTransport transport = transport(TIMEOUT,
        OutboundPolicy.of(List.of("127.0.0.2/32")).resolvingWith(answering("127.0.0.1", "127.0.0.2")))) {
      DeliveryOutcome outcome = transport.post(url("/hook"), Map.of(), new byte[] {1});

      assertThat(outcome.success()).isFalse();
      assertThat(outcome.error()).contains("outbound_deny").contains("127.0.0.2 is in 127.0.0.2/32");
    }
    assertThat(receiver.received()).as("not even the allowed address").isEmpty();
  }

  @Test
  void post_whenTheAnswerTimesOut_doesNotSendTheRequestAgainToTheNextAddress() throws Exception {
    receiver.answerByDefault("/slow", "sleep");
    try (Receiver other = new Receiver("127.0.0.3", receiver.port());
        HttpWebhookTransport transport = transport(Duration.ofMillis(700),
            OutboundPolicy.DEFAULT.resolvingWith(answering("127.0.0.1", "127.0.0.3")))) {
      DeliveryOutcome outcome = transport.post(url("/slow"), Map.of(), new byte[] {1});

      assertThat(outcome.success()).isFalse();
      assertThat(outcome.error()).isEqualTo("timed out after 700 ms");
      assertThat(receiver.received("/slow")).hasSize(1);
      assertThat(other.received()).as("a request sent is never sent again elsewhere").isEmpty();
    }
  }

  @Test
  void post_whenTheLookupHangs_failsWithinTheTimeout_sayingSo() {
    HostResolver hangs = host -> {
      lookups.incrementAndGet();
      try {
        Thread.sleep(60_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      throw new UnknownHostException(host);
    };
    try (HttpWebhookTransport transport = transport(Duration.ofMillis(500),
        OutboundPolicy.DEFAULT.resolvingWith(hangs))) {
      long start = System.nanoTime();

      DeliveryOutcome outcome = transport.post(url("/hook"), Map.of(), new byte[] {1});

      assertThat(outcome.success()).isFalse();
      assertThat(outcome.error()).isEqualTo("DNS lookup timed out after 500 ms");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1_500));
    }
    assertThat(receiver.received()).isEmpty();
  }
}
