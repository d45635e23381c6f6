package dev.rekey.core.approval;

import dev.rekey.core.Durations;
import dev.rekey.core.RekeyException;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * A namespace's two-person rule: which {@link GuardedOperation operations} need approval, how many
 * approvers (other than the requester) must agree, and how long a request stays valid.
 */
public record ApprovalPolicy(String namespace, Set<GuardedOperation> operations, int requiredApprovals,
    Duration ttl, Instant updatedAt, String updatedBy) {
  public static final int MAX_APPROVALS = 5;
  public static final Duration MIN_TTL = Duration.ofMinutes(5);
  public static final Duration MAX_TTL = Duration.ofDays(7);
  public static final Duration DEFAULT_TTL = Duration.ofHours(24);

  public ApprovalPolicy {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(ttl, "ttl");
    Objects.requireNonNull(updatedAt, "updatedAt");
    if (operations == null || operations.isEmpty()) {
      throw RekeyException.invalid("an approval policy names at least one operation");
    }
    operations = Set.copyOf(EnumSet.copyOf(operations));
    if (requiredApprovals < 1 || requiredApprovals > MAX_APPROVALS) {
      throw RekeyException.invalid("'required_approvals' must be from 1 to " + MAX_APPROVALS + ", got " + requiredApprovals);
    }
    if (ttl.compareTo(MIN_TTL) < 0 || ttl.compareTo(MAX_TTL) > 0) {
      throw RekeyException.invalid("'ttl' must be from PT5M to P7D, got " + Durations.text(ttl));
    }
  }

  /** Is {@code op} under approval? Changing the policy itself always is, once there is one. */
  public boolean guards(GuardedOperation op) {
    return op == GuardedOperation.POLICY_CHANGE || operations.contains(op);
  }
}
