package dev.rekey.server.http;

import io.vertx.core.Context;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands work from other threads (the audit writer completing a group commit) back to one event
 * loop, waking the loop once per burst instead of once per task: a group commit of a hundred
 * records completes a hundred requests with one wake-up per event loop, not a hundred.
 *
 * <p>One inbox per event-loop thread, created on that thread. {@link #post} may be called from
 * any thread; tasks run on the loop in the order they were posted.
 */
final class LoopInbox {
  private static final Logger LOG = LoggerFactory.getLogger(LoopInbox.class);
  private static final ThreadLocal<LoopInbox> PER_LOOP = new ThreadLocal<>();

  private final Context context;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();

  private LoopInbox(Context context) {
    this.context = context;
  }

  /**
   * The inbox of the calling event-loop thread, or null when the caller is not on an event loop
   * (then post with {@code context.runOnContext} directly).
   */
  static LoopInbox ofCurrentLoop(Context context) {
    if (!Context.isOnEventLoopThread()) {
      return null;
    }
    LoopInbox inbox = PER_LOOP.get();
    if (inbox == null) {
      // the event loop's own context, not this request's duplicate (which later drains would inherit)
      inbox = new LoopInbox(context instanceof io.vertx.core.internal.ContextInternal internal ? internal.unwrap()
          : context);
      PER_LOOP.set(inbox);
    }
    return inbox;
  }

  void post(Runnable task) {
    tasks.offer(task);
    if (scheduled.compareAndSet(false, true)) {
      try {
        context.runOnContext(v -> drain());
      } catch (RuntimeException e) {
        scheduled.set(false); // never wedge the inbox: the next post tries again
        throw e;
      }
    }
  }

  private void drain() {
    // Cleared before polling: a task posted from now on schedules another drain, so none is left behind.
    scheduled.set(false);
    for (Runnable task; (task = tasks.poll()) != null; ) {
      try {
        task.run();
      } catch (RuntimeException e) {
        LOG.error("a task handed back to the event loop failed", e);
      }
    }
  }
}
