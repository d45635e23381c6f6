package dev.rekey.server.http;

import dev.rekey.core.service.CachedByName;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Where a handler runs: cheap in-memory work on the event loop, database work on a worker.
 * {@link #eventLoopWhen} runs on the event loop only while {@code inMemory} says the request can
 * be answered from memory (its key cached and fresh, say), otherwise on a worker: a cache reload
 * (a PostgreSQL round trip, which a slow or unreachable database can stretch to its timeout)
 * never stalls an event loop and every request queued on it.
 */
public final class HandlerMode {
  public static final HandlerMode EVENT_LOOP = new HandlerMode(null, c -> { });
  public static final HandlerMode BLOCKING = new HandlerMode(c -> false, c -> { });
  private final Predicate<Call> inMemory;
  private final Consumer<Call> load;

  private HandlerMode(Predicate<Call> inMemory, Consumer<Call> load) {
    this.inMemory = inMemory;
    this.load = load;
  }

  /**
   * On the event loop while {@code inMemory} holds; otherwise on a worker, which first runs
   * {@code load} (reload what the request needs), so the requests after it are back on the loop.
   */
  public static HandlerMode eventLoopWhen(Predicate<Call> inMemory, Consumer<Call> load) {
    return new HandlerMode(Objects.requireNonNull(inMemory, "inMemory"), Objects.requireNonNull(load, "load"));
  }

  /**
   * On the event loop while {@code cache} holds the request's entry fresh: in the request's
   * namespace, named by path parameter {@code nameParam}; otherwise on a worker that loads it first.
   */
  public static HandlerMode whileCached(CachedByName cache, String nameParam) {
    return eventLoopWhen(c -> cache.isFresh(c.namespace(), c.pathParam(nameParam)),
        c -> cache.loadIfStale(c.namespace(), c.pathParam(nameParam)));
  }

  /** As {@link #whileCached(CachedByName, String)}, with the namespace in path parameter {@code namespaceParam}. */
  public static HandlerMode whileCached(CachedByName cache, String namespaceParam, String nameParam) {
    return eventLoopWhen(c -> cache.isFresh(c.pathParam(namespaceParam), c.pathParam(nameParam)),
        c -> cache.loadIfStale(c.pathParam(namespaceParam), c.pathParam(nameParam)));
  }

  boolean onEventLoop(Call call) {
    return inMemory == null || inMemory.test(call);
  }

  void load(Call call) {
    load.accept(call);
  }
}
