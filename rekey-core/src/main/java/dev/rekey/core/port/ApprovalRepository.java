package dev.rekey.core.port;

import dev.rekey.core.approval.Approval;
import dev.rekey.core.approval.ApprovalPolicy;
import dev.rekey.core.approval.ApprovalState;
import java.util.List;
import java.util.Optional;

/** Approval requests and the namespaces' approval policies. Writes join the caller's transaction. */
public interface ApprovalRepository {
  /**
   * Stores a new PENDING request, unless one is already pending for the same request (namespace,
   * requester and fingerprint): at most one is, even when several nodes insert at once. Returns
   * the pending request stored: {@code approval}, or the one found (which may have expired by time,
   * or been asked under another policy), and then nothing is stored. Throws ALREADY_EXISTS when the
   * id is taken.
   */
  Approval insertPending(Approval approval);

  Optional<Approval> find(String id);

  /**
   * Stores {@code next} over the stored revision {@code next.revision() - 1}; false when the stored
   * request moved on meanwhile (another approver, say), and nothing is changed.
   */
  boolean update(Approval next);

  /** The newest request by {@code requester} with {@code fingerprint} in {@code state}, if any. */
  Optional<Approval> findByRequest(String namespace, String requester, String fingerprint, ApprovalState state);

  /**
   * Requests ordered by id (newest first: ids grow with time), before {@code beforeId} (null for
   * the first page), of {@code namespace} and in {@code state} when these are not null.
   */
  List<Approval> list(String namespace, ApprovalState state, String beforeId, int limit);

  Optional<ApprovalPolicy> policy(String namespace);

  /** Creates or replaces the namespace's policy. */
  void putPolicy(ApprovalPolicy policy);

  /** Removes the namespace's policy; returns whether there was one. */
  boolean deletePolicy(String namespace);
}
