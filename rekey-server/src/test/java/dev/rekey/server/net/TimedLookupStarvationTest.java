package dev.rekey.server.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TimedLookupStarvationTest {
  private static InetAddress[] answer(String host) throws UnknownHostException {
    return new InetAddress[] {InetAddress.getByAddress(host, new byte[] {93, (byte) 184, (byte) 216, 34})};
  }

  /** Waits for {@code latch} whatever interrupts it, like the JDK's lookup. */
  private static void awaitUninterruptibly(CountDownLatch latch) {
    boolean interrupted = false;
    while (true) {
      try {
        latch.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void aHungNameDoesNotStarveLookupsOfOtherNames() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    AtomicInteger hungLookups = new AtomicInteger();
    HostResolver resolver = host -> {
      if (host.startsWith("hung")) {
        hungLookups.incrementAndGet();
        awaitUninterruptibly(never);
      }
      return answer(host);
    };
    try {
      for (int i = 0; i < 16; i++) {
        assertThatThrownBy(() -> TimedLookup.resolve(resolver, "hung.example", Duration.ofMillis(50)))
            .isInstanceOf(LookupTimeoutException.class);
      }
      assertThat(TimedLookup.resolve(resolver, "good.example", Duration.ofSeconds(2))).hasSize(1);
      assertThat(hungLookups.get()).as("one lookup of the hung name, joined by every later caller").isEqualTo(1);
    } finally {
      never.countDown();
    }
  }

  @Test
  void concurrentCallersOfOneName_shareOneLookup_andALaterCallLooksUpAgain() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger lookups = new AtomicInteger();
    HostResolver resolver = host -> {
      lookups.incrementAndGet();
      awaitUninterruptibly(release);
      return answer(host);
    };
    ExecutorService callers = Executors.newFixedThreadPool(8);
    try {
      List<Future<InetAddress[]>> answers = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        answers.add(callers.submit(() -> TimedLookup.resolve(resolver, "shared.example", Duration.ofSeconds(10))));
      }
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (lookups.get() == 0 && System.nanoTime() < until) {
        Thread.sleep(5);
      }
      Thread.sleep(100); // the other callers join meanwhile
      release.countDown();
      for (Future<InetAddress[]> a : answers) {
        assertThat(a.get(5, TimeUnit.SECONDS)).hasSize(1);
      }
      assertThat(lookups.get()).isEqualTo(1);
      // a finished lookup is not kept: the next call asks the resolver again
      assertThat(TimedLookup.resolve(resolver, "shared.example", Duration.ofSeconds(2))).hasSize(1);
      assertThat(lookups.get()).isEqualTo(2);
    } finally {
      release.countDown();
      callers.shutdownNow();
    }
  }

  @Test
  void lookupsWithDifferentResolvers_doNotShareAnswers() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    HostResolver hung = host -> {
      awaitUninterruptibly(release);
      return answer(host);
    };
    HostResolver quick = host -> new InetAddress[] {InetAddress.getByAddress(host, new byte[] {10, 0, 0, 7})};
    try {
      assertThatThrownBy(() -> TimedLookup.resolve(hung, "same.example", Duration.ofMillis(50)))
          .isInstanceOf(LookupTimeoutException.class);
      assertThat(TimedLookup.resolve(quick, "same.example", Duration.ofSeconds(2))[0].getHostAddress())
          .isEqualTo("10.0.0.7");
    } finally {
      release.countDown();
    }
  }

  @Test
  void lookupsWhoseCallersGaveUp_doNotStayQueued() throws Exception {
    CountDownLatch outage = new CountDownLatch(1);
    HostResolver resolver = host -> {
      awaitUninterruptibly(outage);
      return answer(host);
    };
    ExecutorService callers = Executors.newFixedThreadPool(TimedLookup.MAX_THREADS);
    try {
      // a DNS outage: every lookup thread held by a distinct name ...
      List<Future<InetAddress[]>> hung = new ArrayList<>();
      for (int i = 0; i < TimedLookup.MAX_THREADS; i++) {
        String name = "hung-" + i + ".example";
        hung.add(callers.submit(() -> TimedLookup.resolve(resolver, name, Duration.ofSeconds(60))));
      }
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (TimedLookup.busyThreads() < TimedLookup.MAX_THREADS && System.nanoTime() < until) {
        Thread.sleep(5);
      }
      assertThat(TimedLookup.busyThreads()).isEqualTo(TimedLookup.MAX_THREADS);
      // ... so lookups of further names queue, and their callers give up
      for (int i = 0; i < 50; i++) {
        int n = i;
        assertThatThrownBy(() -> TimedLookup.resolve(resolver, "queued-" + n + ".example", Duration.ofMillis(1)))
            .isInstanceOf(LookupTimeoutException.class);
      }
      assertThat(TimedLookup.queuedNames()).as("lookups nobody waits for are dropped from the queue")
          .noneMatch(name -> name.startsWith("queued-"));
      assertThat(TimedLookup.namesInFlight()).noneMatch(name -> name.startsWith("queued-"));
      outage.countDown();
      for (Future<InetAddress[]> h : hung) {
        assertThat(h.get(10, TimeUnit.SECONDS)).hasSize(1);
      }
    } finally {
      outage.countDown();
      callers.shutdownNow();
    }
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!TimedLookup.namesInFlight().stream().noneMatch(name -> name.startsWith("hung-")) && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    assertThat(TimedLookup.namesInFlight()).as("finished lookups are forgotten").noneMatch(name -> name.startsWith("hung-"));
  }
}
