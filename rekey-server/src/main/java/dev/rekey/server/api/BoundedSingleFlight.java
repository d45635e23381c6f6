package dev.rekey.server.api;

import dev.rekey.core.RekeyException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * Runs expensive work once per key at a time, and at most {@code maxRunning} keys at once: a
 * caller asking for a key whose work runs gets that run's answer; a caller asking for another key
 * while {@code maxRunning} run is refused with {@code busy}. For whole-trail audit walks, which a
 * caller could otherwise start many of at once.
 */
final class BoundedSingleFlight<K, V> {
  private final Map<K, CompletableFuture<V>> inFlight = new ConcurrentHashMap<>();
  private final Semaphore slots;
  private final Supplier<RekeyException> busy;

  BoundedSingleFlight(int maxRunning, Supplier<RekeyException> busy) {
    this.slots = new Semaphore(maxRunning);
    this.busy = busy;
  }

  /**
   * The answer of the run for {@code key} already going (a {@link CompletableFuture}), or
   * {@code work}'s value computed on this thread. Throws what {@code work} throws, or {@code busy}.
   */
  Object run(K key, Supplier<V> work) {
    CompletableFuture<V> mine = new CompletableFuture<>();
    CompletableFuture<V> running = inFlight.putIfAbsent(key, mine);
    if (running != null) {
      return running;
    }
    if (!slots.tryAcquire()) {
      RekeyException refused = busy.get();
      inFlight.remove(key, mine);
      mine.completeExceptionally(refused); // callers that joined meanwhile get the refusal too
      throw refused;
    }
    try {
      V answer = work.get();
      mine.complete(answer);
      return answer;
    } catch (Throwable e) {
      // an Error too: callers waiting on this run must get an answer
      mine.completeExceptionally(e);
      throw e;
    } finally {
      inFlight.remove(key, mine);
      slots.release();
    }
  }
}
