package dev.rekey.core.audit;

import java.util.List;

/** Turns events into records that continue the chain from {@code head}. */
@FunctionalInterface
public interface AuditChainer {
  List<AuditRecord> chain(ChainHead head, List<AuditEvent> events);
}
