package dev.rekey.core.audit;

import java.util.List;

/** Turns events into records that continue the chain from {@code head}. */
@FunctionalInterface
public interface AuditChainer {
  List<AuditRecord> chain(ChainHead head, List<AuditEvent> events);

  /**
   * Chained records with each one's canonical bytes ({@link AuditChain#canonical}) and raw 32-byte
   * hash (what {@link AuditRecord#hash} holds in hex), in the same order.
   */
  record Encoded(List<AuditRecord> records, List<byte[]> canonical, List<byte[]> rawHashes) {}

  /**
   * {@link #chain} plus each record's canonical bytes, which storage keeps. A chainer that computes
   * them anyway hands them over instead of having them encoded a second time.
   */
  default Encoded chainEncoded(ChainHead head, List<AuditEvent> events) {
    List<AuditRecord> records = chain(head, events);
    return new Encoded(records, records.stream().map(r -> AuditChain.canonical(r.seq(), r.event())).toList(),
        records.stream().map(r -> dev.rekey.core.crypto.Hex.decode(r.hash())).toList());
  }
}
