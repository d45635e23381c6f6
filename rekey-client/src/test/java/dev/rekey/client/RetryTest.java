package dev.rekey.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.api.ErrorCode;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Requests the server refused with 429 (it did not run them) are sent again, within bounds. */
class RetryTest {
  private static final String KEY = "{\"namespace\":\"default\",\"name\":\"k\",\"type\":\"aes256-gcm\",\"primary_version\":1,"
      + "\"latest_version\":1,\"min_decryption_version\":1,\"min_encryption_version\":1,\"tags\":{},\"versions\":[]}";
  private static final String BUSY = "{\"error\":{\"code\":\"too_many_requests\",\"message\":\"retry shortly\"}}";

  private final FakeRekeyServer server;

  RetryTest() throws Exception {
    server = new FakeRekeyServer();
  }

  @AfterEach
  void close() {
    server.close();
  }

  private RekeyClientBuilder client() {
    return RekeyClient.builder().address(server.address()).token("t0ken-123");
  }

  /** Answers 429 {@code refusals} times (with {@code retryAfter}, if not null), then the key. */
  private void busyThenKey(int refusals, String retryAfter) {
    AtomicInteger seen = new AtomicInteger();
    server.on("POST", "/v1/keys/k/rotate", r -> seen.getAndIncrement() < refusals
        ? new FakeRekeyServer.Reply(429, BUSY, retryAfter == null ? Map.of() : Map.of("Retry-After", retryAfter))
        : new FakeRekeyServer.Reply(200, KEY));
  }

  @Test
  void a429_isRetried_afterTheServersRetryAfter() {
    busyThenKey(2, "0");
    assertThat(client().build().rotateKey("k", true).name()).isEqualTo("k");
    assertThat(server.count("POST", "/v1/keys/k/rotate")).isEqualTo(3);
    assertThat(server.requests().get(2).body()).as("the same request again").isEqualTo(server.requests().get(0).body());
  }

  @Test
  void a429_withoutRetryAfter_isRetriedAfterAShortPause() {
    busyThenKey(1, null);
    assertThat(client().build().rotateKey("k", true).name()).isEqualTo("k");
    assertThat(server.count("POST", "/v1/keys/k/rotate")).isEqualTo(2);
  }

  @Test
  void retriesAreBounded_thenThe429GoesToTheCaller() {
    busyThenKey(100, "0");
    assertThatThrownBy(() -> client().maxRetries(1).build().rotateKey("k", true))
        .isInstanceOfSatisfying(RekeyClientException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.TOO_MANY_REQUESTS);
          assertThat(e.status()).isEqualTo(429);
        });
    assertThat(server.count("POST", "/v1/keys/k/rotate")).isEqualTo(2);
  }

  @Test
  void aRetryAfterBeyondTenSeconds_orNoRetries_answersAtOnce() {
    busyThenKey(100, "60");
    assertThatThrownBy(() -> client().build().rotateKey("k", true)).isInstanceOf(RekeyClientException.class);
    assertThat(server.count("POST", "/v1/keys/k/rotate")).isEqualTo(1);

    server.on("POST", "/v1/keys/k/rotate", r -> new FakeRekeyServer.Reply(429, BUSY, Map.of("Retry-After", "0")));
    assertThatThrownBy(() -> client().maxRetries(0).build().rotateKey("k", true)).isInstanceOf(RekeyClientException.class);
    assertThat(server.count("POST", "/v1/keys/k/rotate")).isEqualTo(2);
  }

  @Test
  void otherErrors_areNeverRetried() {
    server.on("POST", "/v1/keys/k/rotate", 503, "{\"error\":{\"code\":\"audit_unavailable\",\"message\":\"m\"}}");
    assertThatThrownBy(() -> client().build().rotateKey("k", true)).isInstanceOf(RekeyClientException.class);
    assertThat(server.count("POST", "/v1/keys/k/rotate")).isEqualTo(1);
  }

  @Test
  void maxRetries_outOfRange_isRefused() {
    assertThatThrownBy(() -> client().maxRetries(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> client().maxRetries(11)).isInstanceOf(IllegalArgumentException.class);
  }
}
