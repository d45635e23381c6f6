package dev.rekey.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.core.RekeyException;
import dev.rekey.core.approval.Approval;
import dev.rekey.core.approval.ApprovalPolicy;
import dev.rekey.core.approval.ApprovalState;
import dev.rekey.core.approval.GuardedOperation;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Approval requests and policies, run on every dialect. */
abstract class ApprovalStoreContract extends StoreContract {
  private static final Instant T = Instant.parse("2026-12-01T10:00:00.123456789Z");
  private static final ApprovalPolicy POLICY = new ApprovalPolicy("payments",
      Set.of(GuardedOperation.KEY_DESTROY, GuardedOperation.KEY_EXPORT), 2, Duration.ofHours(4), T, "root");

  private static Approval request(String id, String namespace, String fingerprint) {
    return Approval.request(id, namespace, GuardedOperation.KEY_DESTROY, "keys/k/versions/3",
        "schedule-destroy of version 3", "alice", "tok_alice", fingerprint,
        POLICY, T);
  }

  @Test
  void approval_roundTripsEveryField_andUpdatesOnlyOverItsRevision() {
    Approval a = request("apr_1", "payments", "fp");
    store.approvals().insert(a);
    assertThat(store.approvals().find("apr_1")).contains(a);
    assertThatThrownBy(() -> store.approvals().insert(a)).isInstanceOf(RekeyException.class);

    Approval once = a.approve("bob", T.plusSeconds(1));
    assertThat(store.approvals().update(once)).isTrue();
    // a second approver who read the same revision loses the race, and changes nothing
    assertThat(store.approvals().update(a.approve("carol", T.plusSeconds(1)))).isFalse();
    Approval twice = once.approve("carol", T.plusSeconds(2));
    assertThat(store.approvals().update(twice)).isTrue();
    Approval read = store.approvals().find("apr_1").orElseThrow();
    assertThat(read).isEqualTo(twice);
    assertThat(read.state()).isEqualTo(ApprovalState.APPROVED);
    assertThat(read.approvers()).containsExactly("bob", "carol");

    Approval denied = request("apr_2", "payments", "fp2").deny("bob", T.plusSeconds(3));
    store.approvals().insert(request("apr_2", "payments", "fp2"));
    assertThat(store.approvals().update(denied)).isTrue();
    assertThat(store.approvals().find("apr_2").orElseThrow().decidedBy()).isEqualTo("bob");
    assertThat(store.approvals().find("apr_none")).isEmpty();
  }

  @Test
  void findByRequest_andList_filterAndPageNewestFirst() {
    store.approvals().insert(request("apr_1", "payments", "fp"));
    store.approvals().insert(request("apr_2", "payments", "fp"));
    store.approvals().insert(request("apr_3", "billing", "fp"));
    assertThat(store.approvals().findByRequest("payments", "alice", "fp", ApprovalState.PENDING))
        .map(Approval::id).contains("apr_2");
    assertThat(store.approvals().findByRequest("payments", "alice", "fp", ApprovalState.APPROVED)).isEmpty();
    assertThat(store.approvals().findByRequest("payments", "bob", "fp", ApprovalState.PENDING)).isEmpty();

    assertThat(store.approvals().list(null, null, null, 10)).extracting(Approval::id)
        .containsExactly("apr_3", "apr_2", "apr_1");
    assertThat(store.approvals().list("payments", null, null, 1)).extracting(Approval::id).containsExactly("apr_2");
    assertThat(store.approvals().list("payments", null, "apr_2", 10)).extracting(Approval::id).containsExactly("apr_1");
    assertThat(store.approvals().list(null, ApprovalState.APPROVED, null, 10)).isEmpty();
  }

  @Test
  void policy_isCreatedReplacedAndRemoved() {
    assertThat(store.approvals().policy("payments")).isEmpty();
    store.approvals().putPolicy(POLICY);
    assertThat(store.approvals().policy("payments")).contains(POLICY);
    ApprovalPolicy narrower = new ApprovalPolicy("payments", Set.of(GuardedOperation.SECRET_DESTROY), 1,
        Duration.ofMinutes(30), T.plusSeconds(9), null);
    store.approvals().putPolicy(narrower);
    assertThat(store.approvals().policy("payments")).contains(narrower);
    assertThat(store.approvals().policy("billing")).isEmpty();
    assertThat(store.approvals().deletePolicy("payments")).isTrue();
    assertThat(store.approvals().deletePolicy("payments")).isFalse();
    assertThat(store.approvals().policy("payments")).isEmpty();
  }
}
