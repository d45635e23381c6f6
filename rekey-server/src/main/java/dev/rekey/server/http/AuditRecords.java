package dev.rekey.server.http;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.audit.AuditEvent;
import dev.rekey.core.auth.Principal;
import java.time.Clock;

/** A request's audit record, as the pipeline makes it. */
final class AuditRecords {
  private AuditRecords() {}

  /** Who, what, on which key and version, and how it ended ({@code error} null: allowed). */
  static AuditEvent of(Clock clock, Exchange ctx, String requestId, String auditName, Principal principal,
      String namespace, Call call, ErrorCode error) {
    String outcome = error == null ? "allowed"
        : error == ErrorCode.FORBIDDEN || error == ErrorCode.UNAUTHENTICATED ? "denied" : "failed";
    return new AuditEvent(clock.instant(), requestId, principal == null ? null : principal.name(),
        principal == null ? null : principal.tokenId(), auditName, namespace,
        call != null && call.auditedKey() != null ? call.auditedKey() : RequestParts.validKeyNameOrNull(ctx),
        call == null ? 0 : call.auditedVersion(), outcome, error == null ? null : error.wire(),
        RequestParts.clientAddress(ctx), call == null ? null : call.auditedDetails());
  }
}
