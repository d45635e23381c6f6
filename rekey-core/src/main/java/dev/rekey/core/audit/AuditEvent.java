package dev.rekey.core.audit;

import java.time.Instant;
import java.util.Objects;

/**
 * What happened in one request, before it is chained. Never holds plaintext, key material or
 * tokens: {@code principal} is a name, {@code tokenId} a public accessor, and {@code details}
 * only non-sensitive facts or HMACs of sensitive ones.
 *
 * @param outcome {@code allowed}, {@code denied} or {@code failed}
 * @param errorCode the wire error code when the outcome is not {@code allowed}
 * @param version the key version concerned, or 0 when none
 */
public record AuditEvent(
    Instant time,
    String requestId,
    String principal,
    String tokenId,
    String action,
    String namespace,
    String keyName,
    int version,
    String outcome,
    String errorCode,
    String clientAddress,
    String details) {

  public AuditEvent {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(outcome, "outcome");
  }
}
