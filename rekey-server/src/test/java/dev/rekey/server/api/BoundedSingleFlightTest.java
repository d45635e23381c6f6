package dev.rekey.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BoundedSingleFlightTest {
  private final ExecutorService callers = Executors.newFixedThreadPool(4);
  private final CountDownLatch release = new CountDownLatch(1);
  private final CountDownLatch started = new CountDownLatch(2);
  private final AtomicInteger runs = new AtomicInteger();
  private final BoundedSingleFlight<String, String> flights =
      new BoundedSingleFlight<>(2, () -> new RekeyException(ErrorCode.TOO_MANY_REQUESTS, "busy"));

  @AfterEach
  void stop() {
    release.countDown();
    callers.shutdownNow();
  }

  private String slowWork(String key) {
    runs.incrementAndGet();
    started.countDown();
    try {
      release.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return "answer-" + key;
  }

  @Test
  void aThirdKey_isRefusedWhileTwoRun_andTheSameKeySharesTheRunningAnswer() throws Exception {
    Future<Object> a = callers.submit(() -> flights.run("a", () -> slowWork("a")));
    Future<Object> b = callers.submit(() -> flights.run("b", () -> slowWork("b")));
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

    assertThatThrownBy(() -> flights.run("c", () -> slowWork("c")))
        .isInstanceOfSatisfying(RekeyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TOO_MANY_REQUESTS));
    Object joined = flights.run("a", () -> slowWork("a-again"));
    assertThat(joined).as("a run for 'a' is going: its answer, later").isInstanceOf(CompletableFuture.class);

    release.countDown();
    assertThat(a.get(10, TimeUnit.SECONDS)).isEqualTo("answer-a");
    assertThat(b.get(10, TimeUnit.SECONDS)).isEqualTo("answer-b");
    assertThat(((CompletableFuture<?>) joined).get(10, TimeUnit.SECONDS)).isEqualTo("answer-a");
    assertThat(runs.get()).as("two runs: the joined caller ran nothing, the refused one neither").isEqualTo(2);
    assertThat(flights.run("c", () -> "answer-c")).as("free again once they end").isEqualTo("answer-c");
  }

  @Test
  void aFailingRun_freesItsSlot_andItsWaitersGetTheFailure() {
    assertThatThrownBy(() -> flights.run("x", () -> {
      throw new IllegalStateException("boom");
    })).hasMessage("boom");
    assertThat(flights.run("x", () -> "fine")).isEqualTo("fine");
    assertThat(flights.run("y", () -> "fine")).isEqualTo("fine");
    assertThat(flights.run("z", () -> "fine")).isEqualTo("fine");
  }
}
