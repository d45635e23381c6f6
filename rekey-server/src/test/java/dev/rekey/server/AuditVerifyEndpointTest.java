package dev.rekey.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GET /v1/audit/verify under concurrent callers: each gets a whole, valid answer. */
class AuditVerifyEndpointTest {
  @TempDir Path dir;

  @Test
  void concurrentVerifies_allAnswerValid_fromOneWalkAtATime() throws Exception {
    try (TestServer s = TestServer.dev(dir)) {
      for (int i = 0; i < 50; i++) {
        s.post("/v1/keys", TestServer.ROOT, "{\"name\":\"k" + i + "\"}");
      }
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<CompletableFuture<TestServer.Resp>> calls = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
          calls.add(CompletableFuture.supplyAsync(() -> s.get("/v1/audit/verify", TestServer.ROOT), pool));
        }
        for (CompletableFuture<TestServer.Resp> call : calls) {
          TestServer.Resp r = call.get();
          assertThat(r.status()).as(r.body()).isEqualTo(200);
          assertThat(r.json().get("valid").asBoolean()).as(r.body()).isTrue();
          assertThat(r.json().get("records").asLong()).isGreaterThanOrEqualTo(50);
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }
}
