package dev.rekey.core.approval;

import dev.rekey.core.crypto.Randomness;
import java.time.Instant;
import java.util.HexFormat;

/** Approval ids: {@code apr_<time><random>}, so that ids sort by creation. */
final class ApprovalIds {
  private ApprovalIds() {}

  static String next(Instant now) {
    long micros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    return "apr_" + String.format("%014x", micros) + HexFormat.of().formatHex(Randomness.bytes(6));
  }
}
