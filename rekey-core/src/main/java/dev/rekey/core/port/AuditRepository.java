package dev.rekey.core.port;

import dev.rekey.core.audit.AuditChainer;
import dev.rekey.core.audit.AuditCheckpoint;
import dev.rekey.core.audit.AuditEvent;
import dev.rekey.core.audit.AuditRecord;
import dev.rekey.core.audit.ChainHead;
import java.util.List;
import java.util.Optional;

/**
 * The audit trail's storage. {@link #append} is the only writer: in one transaction it locks the
 * chain head (so several nodes extend one chain without forks), asks {@code chainer} for the
 * records that follow it, inserts them, moves the head and commits durably. When it returns,
 * the records survive a crash; when it throws, none of them were written.
 */
public interface AuditRepository {
  List<AuditRecord> append(List<AuditEvent> events, AuditChainer chainer);

  ChainHead head();

  /**
   * Inside a transaction that will {@link #append}: takes now the lock that append takes, so that
   * what the transaction writes before its append is serialized with other nodes' appends. Two
   * nodes' group commits then never hold rows the other waits for (no deadlock between them).
   * Nothing to do where writers are serialized anyway (SQLite).
   */
  default void holdAppendLock() {}

  /** Records with {@code seq >= fromSeq} in order, at most {@code limit}. */
  List<AuditRecord> read(long fromSeq, int limit);

  void insertCheckpoint(AuditCheckpoint checkpoint);

  /** All checkpoints in order of {@code seq}. */
  List<AuditCheckpoint> checkpoints();

  /** The checkpoint at {@code seq}, if one is stored (one indexed read, not the whole list). */
  Optional<AuditCheckpoint> checkpoint(long seq);
}
