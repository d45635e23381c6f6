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
 *       checkpoint that still verified, found at the next signed checkpoint or anchor;
 *   <li>a checkpoint with a bad signature: the checkpoint's seq;
 *   <li>records deleted from the end: the first missing seq.
 * </ul>
 *
 * <p>Whoever can write the database can also delete checkpoints and rewrite or truncate the chain
 * consistently after the last one left, which the database alone cannot show. {@link Anchor}s close
 * that gap: signed checkpoints kept elsewhere (by the operator, or in a running server's memory).
 * Each must carry a valid signature by the trusted key, the trail must reach its seq, the record
 * there must have its hash, and the trail's checkpoints must still hold it. A rewritten chain is
 * then reported from the first seq after the last checkpoint that verified, a truncated one at the
 * first missing seq, a deleted checkpoint at its seq, and an anchor signed by another key at seq 1.
 *
 * <p>Records appended after the chain head was read are not examined. Records after the last
 * checkpoint or anchor are protected only by the chain and head, not by a signature.
 */
public final class AuditVerifier {
  public static final int DEFAULT_PAGE_SIZE = 1_000;

  private final AuditRepository repository;
  private final byte[] publicKey;
  private final int pageSize;

  /**
   * A signed checkpoint kept outside the database that the trail must still hold.
   *
   * @param name how reports call it ("the anchor", "this server's checkpoint")
   */
  public record Anchor(AuditCheckpoint checkpoint, String name) {
    public Anchor {
      Objects.requireNonNull(checkpoint, "checkpoint");
      Objects.requireNonNull(name, "name");
    }

    long seq() {
      return checkpoint.seq();
    }

    /** For reports: "the anchor at seq 50 (signed 2026-...)". */
    String describe() {
      return name + " at seq " + checkpoint.seq() + " (signed " + checkpoint.at() + ")";
    }
  }

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
    return verify(List.of());
  }

  /**
   * Reads and checks the whole trail and that it still holds every one of {@code anchors}; fails
   * with {@code AUDIT_UNAVAILABLE} if it cannot be read. Anchors are checked before anything is
   * read: one that is not signed by the trusted key costs no read of the trail.
   */
  public AuditVerification verify(List<Anchor> anchors) {
    List<Anchor> sorted = new ArrayList<>(anchors);
    sorted.sort(Comparator.comparingLong(Anchor::seq));
    for (Anchor a : sorted) {
      String problem = signatureProblem(a);
      if (problem != null) {
        return AuditVerification.broken(0, 0, 1, problem);
      }
    }
    try {
      return walk(sorted);
    } catch (RekeyException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new RekeyException(ErrorCode.AUDIT_UNAVAILABLE, "the audit trail could not be read", e);
    }
  }

  /** Why {@code anchor} cannot vouch for this trail, or null when it is signed by the trusted key. */
  private String signatureProblem(Anchor anchor) {
    AuditCheckpoint cp = anchor.checkpoint();
    if (cp.seq() < 1) {
      return anchor.describe() + " names no record position";
    }
    if (publicKey == null) {
      return anchor.describe() + " cannot be checked: no audit signing public key is known";
    }
    String trusted = AuditSigningKey.keyId(publicKey);
    if (!trusted.equals(cp.keyId())) {
      return anchor.describe() + " is signed by " + cp.keyId() + ", not by this trail's audit signing key " + trusted
          + ": it belongs to another server, or this server's audit signing key was replaced";
    }
    if (!AuditSigningKey.verify(publicKey, cp)) {
      return anchor.describe() + " does not carry a valid signature by this trail's audit signing key " + trusted
          + " (it was altered)";
    }
    return null;
  }

  private AuditVerification walk(List<Anchor> anchors) {
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
    int nextAnchor = 0;
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
          w.latest = cp;
          w.checkpoints++;
        }
        while (nextAnchor < anchors.size() && anchors.get(nextAnchor).seq() == r.seq()) {
          Anchor a = anchors.get(nextAnchor++);
          if (!a.checkpoint().hash().equals(r.hash())) {
            return w.broken(w.lastCheckpoint + 1, "record " + r.seq() + " does not match " + a.describe() + ": records "
                + (w.lastCheckpoint + 1) + " to " + r.seq() + " were rewritten");
          }
          if (checkpoints.stream().noneMatch(cp -> sameStatement(cp, a.checkpoint()))) {
            return w.broken(r.seq(), a.describe() + " is no longer among the trail's checkpoints: checkpoints were"
                + " deleted (records 1 to " + r.seq() + " still match it)");
          }
          w.lastCheckpoint = r.seq();
        }
        w.accept(r);
      }
    }
    if (!head.hash().equals(w.prev)) {
      return w.broken(Math.max(1, head.seq()), "the chain head does not match record " + head.seq());
    }
    if (nextAnchor < anchors.size()) {
      return w.broken(head.seq() + 1, anchors.get(anchors.size() - 1).describe() + " vouches for records up to seq "
          + anchors.get(anchors.size() - 1).seq() + " but the trail ends at seq " + head.seq()
          + ": records were deleted from the end");
    }
    if (nextCheckpoint < checkpoints.size()) {
      return w.broken(head.seq() + 1, "a signed checkpoint names seq " + checkpoints.get(checkpoints.size() - 1).seq()
          + " but the trail ends at seq " + head.seq() + ": records were deleted from the end");
    }
    return AuditVerification.ok(w.records, w.checkpoints, w.latest);
  }

  /**
   * Whether two checkpoints state the same thing: seq, hash, time and key. Both carry valid
   * signatures by the trusted key by then, so the signatures' text is not compared: base64
   * decoders accept several spellings of one signature (padding bits are ignored).
   */
  private static boolean sameStatement(AuditCheckpoint a, AuditCheckpoint b) {
    return a.seq() == b.seq() && a.hash().equals(b.hash()) && a.at().equals(b.at()) && a.keyId().equals(b.keyId());
  }

  /** Progress of one verification. */
  private static final class Walk {
    long expected = 1;
    String prev = ChainHead.GENESIS_HASH;
    long records;
    long checkpoints;
    long lastCheckpoint;
    AuditCheckpoint latest;

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
