package dev.rekey.server.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rekey.server.net.OutboundPolicy;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The transport blocks its caller, so it refuses to run on an event loop (it would stall every connection there). */
class HttpWebhookTransportThreadTest {
  @Test
  void post_onAnEventLoop_isRefusedAtOnce() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (HttpWebhookTransport transport = new HttpWebhookTransport(Duration.ofSeconds(5), OutboundPolicy.of(List.of()))) {
      CompletableFuture<Throwable> thrown = new CompletableFuture<>();
      vertx.runOnContext(v -> {
        try {
          transport.post("http://127.0.0.1:9/hook", Map.of(), new byte[0]);
          thrown.complete(null);
        } catch (RuntimeException e) {
          thrown.complete(e);
        }
      });
      assertThat(thrown.get(10, TimeUnit.SECONDS)).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("worker thread");
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
