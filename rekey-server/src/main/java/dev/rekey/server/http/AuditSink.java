package dev.rekey.server.http;

import dev.rekey.core.audit.AuditEvent;
import java.util.concurrent.CompletionStage;

/** Where the HTTP layer sends one audit event per request; completes once it is durable. */
@FunctionalInterface
public interface AuditSink {
  CompletionStage<?> record(AuditEvent event);
}
