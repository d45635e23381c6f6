package dev.rekey.server.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link HostResolver} lookup with a deadline. The JDK's lookup blocks without one (a slow or
 * hung DNS server holds the caller for as long as the system resolver retries) and ignores
 * interruption, so it runs on daemon threads of its own and the caller waits at most its deadline.
 *
 * <p>At most one lookup of a name runs at a time (per resolver): a caller asking for a name already
 * being looked up waits for that lookup's answer, with its own deadline, instead of starting
 * another. So deliveries to one hung name hold one thread, not one each, and lookups of other names
 * go on. A lookup still running when its callers gave up finishes on its thread, and its answer goes
 * to whoever asked for the name meanwhile; a lookup that has not started when its last caller gave up
 * is dropped from the queue. Up to {@link #MAX_THREADS} names are looked up at once; threads idle for
 * 30 s end.
 */
final class TimedLookup {
  /** Names that may be looked up at once: only that many distinct names hanging at once make others queue. */
  static final int MAX_THREADS = 64;
  private static final ThreadPoolExecutor POOL = pool();
  private static final ConcurrentHashMap<Key, Lookup> IN_FLIGHT = new ConcurrentHashMap<>();

  private TimedLookup() {}

  /**
   * {@code resolver}'s answer for {@code host}, or {@link LookupTimeoutException} once
   * {@code deadline} has passed without one; the resolver's own UnknownHostException otherwise.
   */
  static InetAddress[] resolve(HostResolver resolver, String host, Duration deadline) throws UnknownHostException {
    long millis = Math.max(0, deadline.toMillis());
    Lookup lookup = join(new Key(resolver, host));
    try {
      return lookup.answer.get(millis, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new LookupTimeoutException("looking up " + host + " took longer than " + millis + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnknownHostException("interrupted while looking up " + host);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownHostException unknown) {
        throw unknown;
      }
      UnknownHostException failed = new UnknownHostException(host + ": " + e.getCause());
      failed.initCause(e.getCause());
      throw failed;
    } finally {
      lookup.leave();
    }
  }

  /** The lookup of {@code key} in flight, joined; a new one started when there is none. */
  private static Lookup join(Key key) {
    while (true) {
      Lookup running = IN_FLIGHT.get(key);
      if (running != null) {
        if (running.join()) {
          return running;
        }
        IN_FLIGHT.remove(key, running); // abandoned by its last caller before it started
        continue;
      }
      Lookup fresh = new Lookup(key);
      fresh.join();
      if (IN_FLIGHT.putIfAbsent(key, fresh) == null) {
        try {
          POOL.execute(fresh);
        } catch (RejectedExecutionException e) {
          IN_FLIGHT.remove(key, fresh);
          fresh.answer.completeExceptionally(e);
        }
        return fresh;
      }
    }
  }

  /** The names whose lookups wait for a thread (for tests). */
  static java.util.List<String> queuedNames() {
    return POOL.getQueue().stream().map(r -> ((Lookup) r).key.host()).toList();
  }

  /** The names being looked up or waiting for a thread (for tests). */
  static java.util.List<String> namesInFlight() {
    return IN_FLIGHT.keySet().stream().map(Key::host).toList();
  }

  /** Threads running a lookup (for tests). */
  static int busyThreads() {
    return POOL.getActiveCount();
  }

  private record Key(HostResolver resolver, String host) {}

  /** One lookup of one name, and how many callers still wait for it. */
  private static final class Lookup implements Runnable {
    final Key key;
    final CompletableFuture<InetAddress[]> answer = new CompletableFuture<>();
    private int waiting;
    private boolean started;
    private boolean abandoned;

    Lookup(Key key) {
      this.key = key;
    }

    /** One more caller waits for this lookup; false when it was abandoned (look up afresh). */
    synchronized boolean join() {
      if (abandoned) {
        return false;
      }
      waiting++;
      return true;
    }

    /** A caller has its answer or gave up; a lookup not started is dropped once nobody waits for it. */
    void leave() {
      synchronized (this) {
        waiting--;
        if (waiting > 0 || started) {
          return;
        }
        abandoned = true;
      }
      IN_FLIGHT.remove(key, this);
      POOL.remove(this);
    }

    @Override
    public void run() {
      synchronized (this) {
        if (abandoned) {
          return;
        }
        started = true;
      }
      InetAddress[] addresses = null;
      Throwable failure = null;
      try {
        addresses = key.resolver().resolve(key.host());
      } catch (Throwable t) {
        failure = t;
      }
      // forgotten before anyone has the answer: a call made after it looks the name up again
      IN_FLIGHT.remove(key, this);
      if (failure == null) {
        answer.complete(addresses);
      } else {
        answer.completeExceptionally(failure);
      }
    }
  }

  private static ThreadPoolExecutor pool() {
    AtomicInteger count = new AtomicInteger();
    ThreadFactory daemons = r -> {
      Thread t = new Thread(r, "rekey-dns-lookup-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    // a thread for each lookup up to MAX_THREADS, then a queue (holding only lookups someone waits for)
    ThreadPoolExecutor pool = new ThreadPoolExecutor(MAX_THREADS, MAX_THREADS, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), daemons);
    pool.allowCoreThreadTimeOut(true); // no threads left behind while nothing is looked up
    return pool;
  }
}
