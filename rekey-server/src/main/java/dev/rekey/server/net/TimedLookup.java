package dev.rekey.server.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link HostResolver} lookup with a deadline. The JDK's lookup blocks without one (a slow or
 * hung DNS server holds the caller for as long as the system resolver retries), so it runs on a
 * small pool of daemon threads of its own and the caller waits at most the deadline. A lookup
 * still running when its caller gave up finishes on its pool thread and its answer is dropped; once
 * every pool thread is busy, further lookups queue, and time out in the queue like any other.
 */
final class TimedLookup {
  /** Lookups that may run at once: most answer in milliseconds, so more only pile up behind a hung resolver. */
  private static final int THREADS = 16;
  private static final ThreadPoolExecutor POOL = pool();

  private TimedLookup() {}

  /**
   * {@code resolver}'s answer for {@code host}, or {@link LookupTimeoutException} once
   * {@code deadline} has passed without one; the resolver's own UnknownHostException otherwise.
   */
  static InetAddress[] resolve(HostResolver resolver, String host, Duration deadline) throws UnknownHostException {
    long millis = Math.max(0, deadline.toMillis());
    Future<InetAddress[]> answer = POOL.submit(() -> resolver.resolve(host));
    try {
      return answer.get(millis, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      answer.cancel(true); // out of the queue if it never started; a lookup running ignores it
      throw new LookupTimeoutException("looking up " + host + " took longer than " + millis + " ms");
    } catch (InterruptedException e) {
      answer.cancel(true);
      Thread.currentThread().interrupt();
      throw new UnknownHostException("interrupted while looking up " + host);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownHostException unknown) {
        throw unknown;
      }
      UnknownHostException failed = new UnknownHostException(host + ": " + e.getCause());
      failed.initCause(e.getCause());
      throw failed;
    }
  }

  private static ThreadPoolExecutor pool() {
    AtomicInteger count = new AtomicInteger();
    ThreadFactory daemons = r -> {
      Thread t = new Thread(r, "rekey-dns-lookup-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    ThreadPoolExecutor pool = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), daemons);
    pool.allowCoreThreadTimeOut(true); // no threads left behind while nothing is looked up
    return pool;
  }
}
