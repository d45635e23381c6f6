package dev.rekey.core.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class BindingMovesTest {
  private static final Instant T = Instant.parse("2026-05-01T10:00:00Z");
  private static final Instant LATER = T.plusSeconds(60);

  private static Binding pending(BindingMode mode, int version, int target, BindingState state) {
    return new Binding("default", "app", BindingSubject.key("orders"), BindingOrigin.EXPLICIT, mode, version, T, 0, target, state,
        T.plusSeconds(3600), null, Binding.HookState.PENDING, 1, "HTTP 500", T);
  }

  @Test
  void observed_newVersionOnLatestBinding_becomesCurrentAndNeedsNoHookCall() {
    Binding before = pending(BindingMode.LATEST, 1, 2, BindingState.PENDING_UPDATE);
    Binding after = BindingMoves.moved(before, 2, false, LATER);
    assertThat(after.version()).isEqualTo(2);
    assertThat(after.previousVersion()).isEqualTo(1);
    assertThat(after.since()).isEqualTo(LATER);
    assertThat(after.state()).isEqualTo(BindingState.CURRENT);
    assertThat(after.deadline()).isNull();
    assertThat(after.hookState()).isEqualTo(Binding.HookState.NONE);
    assertThat(BindingMoves.completes(before, after)).isTrue();
  }

  @Test
  void observed_olderVersion_doesNotMoveALatestBindingBack() {
    Binding before = pending(BindingMode.LATEST, 2, 2, BindingState.CURRENT);
    Binding after = BindingMoves.moved(before, 1, false, LATER);
    assertThat(after.version()).isEqualTo(2);
    assertThat(after.since()).isEqualTo(T);
    assertThat(after.lastSeenAt()).isEqualTo(LATER);
  }

  @Test
  void observed_newVersionOnPinnedBinding_doesNotMoveIt_butAConfirmationDoes() {
    Binding before = pending(BindingMode.PINNED, 1, 2, BindingState.STALE);
    assertThat(BindingMoves.moved(before, 2, false, LATER).version()).isEqualTo(1);
    assertThat(BindingMoves.moved(before, 2, false, LATER).state()).isEqualTo(BindingState.STALE);
    Binding confirmed = BindingMoves.moved(before, 2, true, LATER);
    assertThat(confirmed.version()).isEqualTo(2);
    assertThat(confirmed.state()).isEqualTo(BindingState.CURRENT);
    assertThat(BindingMoves.completes(before, confirmed)).isTrue();
  }

  @Test
  void confirmed_versionBelowTarget_staysPending() {
    Binding before = pending(BindingMode.LATEST, 1, 3, BindingState.PENDING_UPDATE);
    Binding after = BindingMoves.moved(before, 2, true, LATER);
    assertThat(after.version()).isEqualTo(2);
    assertThat(after.state()).isEqualTo(BindingState.PENDING_UPDATE);
    assertThat(after.hookState()).isEqualTo(Binding.HookState.PENDING);
    assertThat(BindingMoves.completes(before, after)).isFalse();
  }
}
