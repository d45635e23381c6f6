package dev.rekey.core.audit;

/**
 * The outcome of {@link AuditVerifier#verify()}.
 *
 * @param valid whether the whole trail up to the chain head verified
 * @param records records that verified before the first failure (all of them when valid)
 * @param checkpoints signed checkpoints that verified before the first failure
 * @param firstBrokenSeq the lowest seq that can no longer be trusted, or null when valid
 * @param reason what was found at {@code firstBrokenSeq}, or null when valid
 */
public record AuditVerification(boolean valid, long records, long checkpoints, Long firstBrokenSeq, String reason) {

  static AuditVerification ok(long records, long checkpoints) {
    return new AuditVerification(true, records, checkpoints, null, null);
  }

  static AuditVerification broken(long records, long checkpoints, long seq, String reason) {
    return new AuditVerification(false, records, checkpoints, seq, reason);
  }
}
