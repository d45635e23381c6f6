package dev.rekey.core.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every transition of an approval request, legal and illegal. */
class ApprovalTest {
  private static final Instant T = Instant.parse("2026-12-01T10:00:00Z");
  private static final ApprovalPolicy ONE = policy(1);
  private static final ApprovalPolicy TWO = policy(2);

  private static ApprovalPolicy policy(int required) {
    return new ApprovalPolicy("payments", Set.of(GuardedOperation.KEY_DESTROY), required, Duration.ofHours(1), T, "admin");
  }

  private static Approval pending(ApprovalPolicy policy) {
    return Approval.request("apr_1", "payments", GuardedOperation.KEY_DESTROY, "keys/k/versions/1", "schedule-destroy", "alice", "tok_a", "fp",
        policy, T);
  }

  private static Approval approved() {
    return pending(ONE).approve("bob", T.plusSeconds(1));
  }

  private static void refused(Runnable r, ErrorCode code) {
    assertThatThrownBy(r::run).isInstanceOf(RekeyException.class)
        .satisfies(e -> assertThat(((RekeyException) e).code()).isEqualTo(code));
  }

  @Test
  void request_isPendingUntilItsTtl() {
    Approval a = pending(ONE);
    assertThat(a.state()).isEqualTo(ApprovalState.PENDING);
    assertThat(a.expiresAt()).isEqualTo(T.plus(Duration.ofHours(1)));
    assertThat(a.stateAt(T.plus(Duration.ofMinutes(59)))).isEqualTo(ApprovalState.PENDING);
    assertThat(a.stateAt(T.plus(Duration.ofHours(1)))).isEqualTo(ApprovalState.EXPIRED);
    assertThat(a.revision()).isZero();
  }

  @Test
  void pending_toApproved_whenEnoughDistinctOthersApprove() {
    Approval one = pending(TWO).approve("bob", T);
    assertThat(one.state()).isEqualTo(ApprovalState.PENDING);
    assertThat(one.approvers()).containsExactly("bob");
    assertThat(one.revision()).isEqualTo(1);
    refused(() -> one.approve("bob", T), ErrorCode.ILLEGAL_STATE);
    Approval two = one.approve("carol", T);
    assertThat(two.state()).isEqualTo(ApprovalState.APPROVED);
    assertThat(two.approvers()).containsExactly("bob", "carol");
  }

  @Test
  void requester_mayNeitherApproveNorDeny() {
    refused(() -> pending(ONE).approve("alice", T), ErrorCode.FORBIDDEN);
    refused(() -> pending(ONE).deny("alice", T), ErrorCode.FORBIDDEN);
  }

  @Test
  void approvers_relatedToTheRequesterByTokenIssuance_areRefused() {
    refused(() -> pending(ONE).approve("bob", Set.of("alice"), Set.of(), T), ErrorCode.FORBIDDEN);
    refused(() -> pending(ONE).approve("bob", Set.of(), Set.of("bob"), T), ErrorCode.FORBIDDEN);
    assertThat(pending(ONE).approve("bob", Set.of("root"), Set.of("root"), T).state())
        .isEqualTo(ApprovalState.APPROVED);
  }

  @Test
  void targetName_isTheKeyOrSecretName() {
    assertThat(pending(ONE).targetName()).isEqualTo("k");
    assertThat(Approval.request("a", "n", GuardedOperation.SECRET_DESTROY, "secrets/db/versions/2", "s", "alice", null,
        "fp", ONE, T).targetName()).isEqualTo("db");
    assertThat(Approval.request("a", "n", GuardedOperation.KEY_EXPORT, "keys/k", "s", "alice", null, "fp", ONE, T)
        .targetName()).isEqualTo("k");
    assertThat(Approval.request("a", "n", GuardedOperation.POLICY_CHANGE, "approval-policy", "s", "alice", null, "fp",
        ONE, T).targetName()).isNull();
  }

  @Test
  void pending_toDenied_isFinal() {
    Approval denied = pending(ONE).deny("bob", T);
    assertThat(denied.state()).isEqualTo(ApprovalState.DENIED);
    assertThat(denied.decidedBy()).isEqualTo("bob");
    refused(() -> denied.approve("carol", T), ErrorCode.ILLEGAL_STATE);
    refused(() -> denied.deny("carol", T), ErrorCode.ILLEGAL_STATE);
    refused(() -> denied.cancel("alice", T), ErrorCode.ILLEGAL_STATE);
    refused(() -> denied.use("alice", "fp", T), ErrorCode.ILLEGAL_STATE);
  }

  @Test
  void pendingOrApproved_toCancelled_isFinal() {
    Approval fromPending = pending(ONE).cancel("alice", T);
    Approval fromApproved = approved().cancel("alice", T);
    for (Approval c : new Approval[] {fromPending, fromApproved}) {
      assertThat(c.state()).isEqualTo(ApprovalState.CANCELLED);
      refused(() -> c.approve("bob", T), ErrorCode.ILLEGAL_STATE);
      refused(() -> c.cancel("alice", T), ErrorCode.ILLEGAL_STATE);
      refused(() -> c.use("alice", "fp", T), ErrorCode.ILLEGAL_STATE);
      refused(() -> c.release(T), ErrorCode.ILLEGAL_STATE);
    }
  }

  @Test
  void approved_toUsed_onlyByItsRequester_forTheSameRequest_once() {
    Approval a = approved();
    refused(() -> a.use("mallory", "fp", T), ErrorCode.FORBIDDEN);
    refused(() -> a.use("alice", "other", T), ErrorCode.FORBIDDEN);
    Approval used = a.use("alice", "fp", T.plusSeconds(2));
    assertThat(used.state()).isEqualTo(ApprovalState.USED);
    refused(() -> used.use("alice", "fp", T), ErrorCode.ILLEGAL_STATE);
    refused(() -> used.approve("carol", T), ErrorCode.ILLEGAL_STATE);
    refused(() -> used.deny("carol", T), ErrorCode.ILLEGAL_STATE);
    refused(() -> used.cancel("alice", T), ErrorCode.ILLEGAL_STATE);
  }

  @Test
  void pending_cannotBeUsed_andApproved_cannotBeApprovedOrDeniedAgain() {
    refused(() -> pending(ONE).use("alice", "fp", T), ErrorCode.ILLEGAL_STATE);
    refused(() -> approved().approve("carol", T), ErrorCode.ILLEGAL_STATE);
    refused(() -> approved().deny("carol", T), ErrorCode.ILLEGAL_STATE);
  }

  @Test
  void used_isReleasedBackToApproved_beforeItExpires() {
    Approval used = approved().use("alice", "fp", T);
    assertThat(used.release(T.plusSeconds(5)).state()).isEqualTo(ApprovalState.APPROVED);
    refused(() -> used.release(T.plus(Duration.ofHours(1))), ErrorCode.ILLEGAL_STATE);
    refused(() -> approved().release(T), ErrorCode.ILLEGAL_STATE);
  }

  @Test
  void expired_refusesEverything_andIsRecordedOnce() {
    Instant late = T.plus(Duration.ofHours(2));
    for (Approval a : new Approval[] {pending(ONE), approved()}) {
      refused(() -> a.approve("carol", late), ErrorCode.ILLEGAL_STATE);
      refused(() -> a.deny("carol", late), ErrorCode.ILLEGAL_STATE);
      refused(() -> a.cancel("alice", late), ErrorCode.ILLEGAL_STATE);
      refused(() -> a.use("alice", "fp", late), ErrorCode.ILLEGAL_STATE);
      Approval expired = a.expire(late);
      assertThat(expired.state()).isEqualTo(ApprovalState.EXPIRED);
      refused(() -> expired.expire(late), ErrorCode.ILLEGAL_STATE);
    }
    refused(() -> pending(ONE).expire(T), ErrorCode.ILLEGAL_STATE);
  }

  @Test
  void policy_refusesBadBounds() {
    refused(() -> policy(0), ErrorCode.INVALID_REQUEST);
    refused(() -> policy(ApprovalPolicy.MAX_APPROVALS + 1), ErrorCode.INVALID_REQUEST);
    refused(() -> new ApprovalPolicy("n", Set.of(), 1, Duration.ofHours(1), T, null), ErrorCode.INVALID_REQUEST);
    refused(() -> new ApprovalPolicy("n", Set.of(GuardedOperation.KEY_EXPORT), 1, Duration.ofMinutes(1), T, null),
        ErrorCode.INVALID_REQUEST);
    refused(() -> new ApprovalPolicy("n", Set.of(GuardedOperation.KEY_EXPORT), 1, Duration.ofDays(8), T, null),
        ErrorCode.INVALID_REQUEST);
    refused(() -> GuardedOperation.fromWire("key.encrypt"), ErrorCode.INVALID_REQUEST);
    assertThat(GuardedOperation.fromWire("KEY.DESTROY")).isEqualTo(GuardedOperation.KEY_DESTROY);
  }
}
