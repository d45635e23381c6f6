package dev.rekey.core.audit;

/**
 * The outcome of {@link AuditVerifier#verify()}.
 *
 * @param valid whether the whole trail up to the chain head verified, and every anchor with it
 * @param records records that verified before the first failure (all of them when valid)
 * @param checkpoints signed checkpoints that verified before the first failure
 * @param firstBrokenSeq the lowest seq that can no longer be trusted, or null when valid
 * @param reason what was found at {@code firstBrokenSeq}, or null when valid
 * @param anchor the newest signed checkpoint of a valid trail, to keep outside the database and
 *     verify later copies of the trail against; null when broken or when nothing is signed yet
 */
public record AuditVerification(boolean valid, long records, long checkpoints, Long firstBrokenSeq, String reason,
    AuditCheckpoint anchor) {

  static AuditVerification ok(long records, long checkpoints, AuditCheckpoint anchor) {
    return new AuditVerification(true, records, checkpoints, null, null, anchor);
  }

  static AuditVerification broken(long records, long checkpoints, long seq, String reason) {
    return new AuditVerification(false, records, checkpoints, seq, reason, null);
  }
}
