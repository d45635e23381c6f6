package dev.rekey.core.testing;

import dev.rekey.core.RekeyException;
import dev.rekey.core.approval.Approval;
import dev.rekey.core.approval.ApprovalPolicy;
import dev.rekey.core.approval.ApprovalState;
import dev.rekey.core.port.ApprovalRepository;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Approvals and policies in maps, with the stores' revision check. */
public final class InMemoryApprovalRepository implements ApprovalRepository {
  private final TreeMap<String, Approval> approvals = new TreeMap<>();
  private final Map<String, ApprovalPolicy> policies = new HashMap<>();

  @Override
  public synchronized Approval insertPending(Approval a) {
    if (a.state() != ApprovalState.PENDING) {
      throw new IllegalArgumentException("approval " + a.id() + " is not pending");
    }
    if (approvals.containsKey(a.id())) {
      throw RekeyException.alreadyExists("an approval with id '" + a.id() + "' already exists");
    }
    Optional<Approval> pending = findByRequest(a.namespace(), a.requester(), a.fingerprint(), ApprovalState.PENDING);
    if (pending.isPresent()) {
      return pending.get();
    }
    approvals.put(a.id(), a);
    return a;
  }

  @Override
  public synchronized Optional<Approval> find(String id) {
    return Optional.ofNullable(approvals.get(id));
  }

  @Override
  public synchronized boolean update(Approval next) {
    Approval stored = approvals.get(next.id());
    if (stored == null || stored.revision() != next.revision() - 1) {
      return false;
    }
    approvals.put(next.id(), next);
    return true;
  }

  @Override
  public synchronized Optional<Approval> findByRequest(String namespace, String requester, String fingerprint,
      ApprovalState state) {
    return approvals.values().stream().filter(a -> a.namespace().equals(namespace) && a.requester().equals(requester)
        && a.fingerprint().equals(fingerprint) && a.state() == state).max(Comparator.comparing(Approval::id));
  }

  @Override
  public synchronized List<Approval> list(String namespace, ApprovalState state, String beforeId, int limit) {
    return approvals.descendingMap().values().stream()
        .filter(a -> beforeId == null || a.id().compareTo(beforeId) < 0)
        .filter(a -> namespace == null || a.namespace().equals(namespace))
        .filter(a -> state == null || a.state() == state).limit(limit).toList();
  }

  @Override
  public synchronized Optional<ApprovalPolicy> policy(String namespace) {
    return Optional.ofNullable(policies.get(namespace));
  }

  @Override
  public synchronized void putPolicy(ApprovalPolicy policy) {
    policies.put(policy.namespace(), policy);
  }

  @Override
  public synchronized boolean deletePolicy(String namespace) {
    return policies.remove(namespace) != null;
  }
}
