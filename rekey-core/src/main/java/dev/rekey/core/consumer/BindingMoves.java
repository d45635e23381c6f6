package dev.rekey.core.consumer;

import java.time.Instant;

/** How a binding changes when the consumer is known to use a version. */
final class BindingMoves {
  private BindingMoves() {}

  /**
   * The binding after its consumer confirmed ({@code confirmed}) or was seen using {@code version}.
   * A PINNED binding moves only on confirmation; a LATEST binding is not moved back by an observed
   * use of an older version (decrypting old data is normal). The binding is CURRENT once it reaches
   * its target; a pending hook call is then no longer needed.
   */
  static Binding moved(Binding b, int version, boolean confirmed, Instant now) {
    boolean moves = confirmed ? version != b.version()
        : b.mode() == BindingMode.LATEST && version > b.version();
    int next = moves ? version : b.version();
    boolean current = next >= b.targetVersion() && next > 0;
    BindingState state = current ? BindingState.CURRENT
        : b.state() == BindingState.CURRENT ? BindingState.CURRENT : b.state();
    Binding.HookState hook = current && b.hookState() == Binding.HookState.PENDING ? Binding.HookState.NONE
        : b.hookState();
    return new Binding(b.namespace(), b.consumer(), b.subject(), b.origin(), b.mode(), next,
        moves ? now : b.since(), moves ? b.version() : b.previousVersion(), b.targetVersion(), state,
        current ? null : b.deadline(), now, hook, b.hookAttempts(), b.hookError(), now);
  }

  /** Did this move finish a rotation (pending or stale before, current now)? */
  static boolean completes(Binding before, Binding after) {
    return before.state() != BindingState.CURRENT && after.state() == BindingState.CURRENT;
  }
}
