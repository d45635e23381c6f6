package dev.rekey.core.audit;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.port.AuditRepository;
import dev.rekey.core.port.SystemRepository;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Verifies the audit trail from seq 1 to the chain head, reading records in pages.
 *
 * <p>It checks that seqs are contiguous, that each record links to the previous hash, that each
 * hash recomputes from the record, that every checkpoint carries a valid Ed25519 signature by the
 * trusted public key and matches the record at its seq, that the chain head matches the last
 * record, and that no checkpoint lies beyond the last record (truncation). It reports the
 * <em>first</em> seq that can no longer be trusted:
 *
 * <ul>
 *   <li>a modified record: its own seq (its hash no longer recomputes);
 *   <li>a deleted record: its seq (a gap), or, if later records were renumbered, the same seq
 *       (the record there does not link);
 *   <li>an inserted record: the first seq whose link fails (an inserted record with a correctly
 *       forged hash is indistinguishable from a real one, so that is the record after it);
 *   <li>reordered records: the first moved position;
 *   <li>a consistently rewritten stretch (all hashes recomputed): the first seq after the last
 *       checkpoint that still verified, found at the next signed checkpoint;
 *   <li>a checkpoint with a bad signature: the checkpoint's seq;
 *   <li>records deleted from the end: the first missing seq.
 * </ul>
 *
 * Records appended after the chain head was read are not examined. Records after the last
 * checkpoint are protected only by the chain and head, not by a signature.
 */
public final class AuditVerifier {
  public static final int DEFAULT_PAGE_SIZE = 1_000;

  private final AuditRepository repository;
  private final byte[] publicKey;
  private final int pageSize;

  /** @param publicKey the trusted 32-byte Ed25519 audit public key, or null if none is known */
  public AuditVerifier(AuditRepository repository, byte[] publicKey) {
    this(repository, publicKey, DEFAULT_PAGE_SIZE);
  }

  public AuditVerifier(AuditRepository repository, byte[] publicKey, int pageSize) {
    this.repository = Objects.requireNonNull(repository, "repository");
    this.publicKey = publicKey == null ? null : publicKey.clone();
    if (pageSize < 1) {
      throw new IllegalArgumentException("pageSize must be at least 1, was " + pageSize);
    }
    this.pageSize = pageSize;
  }

  /** A verifier that trusts the public key stored under {@value AuditSigningKey#PUBLIC_NAME}. */
  public static AuditVerifier fromSystem(AuditRepository repository, SystemRepository system) {
    return new AuditVerifier(repository, AuditSigningKey.storedPublicKey(system).orElse(null));
  }

  /** Reads and checks the whole trail; fails with {@code AUDIT_UNAVAILABLE} if it cannot be read. */
  public AuditVerification verify() {
    try {
      return walk();
    } catch (RekeyException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new RekeyException(ErrorCode.AUDIT_UNAVAILABLE, "the audit trail could not be read", e);
    }
  }

  private AuditVerification walk() {
    // Checkpoints before the head: every checkpoint is stored after its record committed.
    List<AuditCheckpoint> checkpoints = new ArrayList<>(repository.checkpoints());
    checkpoints.sort(Comparator.comparingLong(AuditCheckpoint::seq));
    ChainHead head = repository.head();
    Walk w = new Walk();
    if (!checkpoints.isEmpty() && checkpoints.get(0).seq() < 1) {
      return w.broken(1, "a checkpoint names seq " + checkpoints.get(0).seq() + ", which is not a record position");
    }
    if (head == null || head.seq() < 0 || head.hash() == null) {
      return w.broken(1, "the chain head is malformed");
    }
    int nextCheckpoint = 0;
    while (w.expected <= head.seq()) {
      int limit = (int) Math.min(pageSize, head.seq() - w.expected + 1);
      List<AuditRecord> page = repository.read(w.expected, limit);
      if (page.isEmpty()) {
        return w.broken(w.expected, "records " + w.expected + " to " + head.seq() + " are missing (the chain head is at "
            + head.seq() + ")");
      }
      for (AuditRecord r : page) {
        if (w.expected > head.seq()) {
          break;
        }
        String problem = w.check(r);
        if (problem != null) {
          return w.broken(Math.min(r.seq(), w.expected), problem);
        }
        while (nextCheckpoint < checkpoints.size() && checkpoints.get(nextCheckpoint).seq() == r.seq()) {
          AuditCheckpoint cp = checkpoints.get(nextCheckpoint++);
          if (!AuditSigningKey.verify(publicKey, cp)) {
            return w.broken(r.seq(), publicKey == null
                ? "checkpoint at seq " + r.seq() + " cannot be verified: no audit signing public key is known"
                : "checkpoint at seq " + r.seq() + " has an invalid signature or an unknown signing key");
          }
          if (!cp.hash().equals(r.hash())) {
            return w.broken(w.lastCheckpoint + 1, "record " + r.seq() + " does not match its signed checkpoint: records "
                + (w.lastCheckpoint + 1) + " to " + r.seq() + " were rewritten");
          }
          w.lastCheckpoint = r.seq();
          w.checkpoints++;
        }
        w.accept(r);
      }
    }
    if (!head.hash().equals(w.prev)) {
      return w.broken(Math.max(1, head.seq()), "the chain head does not match record " + head.seq());
    }
    if (nextCheckpoint < checkpoints.size()) {
      return w.broken(head.seq() + 1, "a signed checkpoint names seq " + checkpoints.get(checkpoints.size() - 1).seq()
          + " but the trail ends at seq " + head.seq() + ": records were deleted from the end");
    }
    return AuditVerification.ok(w.records, w.checkpoints);
  }

  /** Progress of one verification. */
  private static final class Walk {
    long expected = 1;
    String prev = ChainHead.GENESIS_HASH;
    long records;
    long checkpoints;
    long lastCheckpoint;

    /** What is wrong with {@code r} as the next record, or null. */
    String check(AuditRecord r) {
      if (r.seq() < expected) {
        return "seq " + r.seq() + " appears more than once (an inserted record)";
      }
      if (r.seq() > expected) {
        return "record " + expected + " is missing";
      }
      if (r.event() == null || r.prevHash() == null || r.hash() == null) {
        return "record " + r.seq() + " is incomplete";
      }
      if (!r.prevHash().equals(prev)) {
        return "record " + r.seq() + " does not link to the record before it (deleted, inserted or reordered records)";
      }
      String recomputed;
      try {
        recomputed = AuditChain.recompute(r);
      } catch (IllegalArgumentException e) {
        return "record " + r.seq() + " is malformed";
      }
      if (!recomputed.equals(r.hash())) {
        return "record " + r.seq() + " does not match its hash (modified)";
      }
      return null;
    }

    void accept(AuditRecord r) {
      records++;
      prev = r.hash();
      expected++;
    }

    AuditVerification broken(long seq, String reason) {
      return AuditVerification.broken(records, checkpoints, seq, reason);
    }
  }
}
