package dev.rekey.core.campaign;

import dev.rekey.core.RekeyException;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The states of a re-wrap campaign and the transitions between them:
 *
 * <pre>
 * RUNNING ──pause──▶ PAUSED ──resume──▶ RUNNING
 * RUNNING ──last batch──▶ COMPLETED
 * RUNNING | PAUSED ──cancel──▶ CANCELLING ──rollback done──▶ CANCELLED
 * RUNNING | PAUSED | CANCELLING ──unrecoverable error──▶ FAILED
 * </pre>
 *
 * COMPLETED, CANCELLED and FAILED are final. A KEK has at most one campaign that is not final.
 */
public enum CampaignState {
  /** Re-wrapping batches forward, from the old KEK version to the new one. */
  RUNNING,
  /** Stopped by request; resumes from its checkpoint. */
  PAUSED,
  /** Cancelled: re-wrapping what it had re-wrapped back to the old version. */
  CANCELLING,
  /** Every DEK that was wrapped by the old version is wrapped by the new one. Final. */
  COMPLETED,
  /** Rolled back: every DEK it had re-wrapped is wrapped by the old version again. Final. */
  CANCELLED,
  /** Stopped by an error it cannot recover from (the message says which). Final. */
  FAILED;

  private Set<CampaignState> next;

  static {
    RUNNING.next = EnumSet.of(PAUSED, CANCELLING, COMPLETED, FAILED);
    PAUSED.next = EnumSet.of(RUNNING, CANCELLING, FAILED);
    CANCELLING.next = EnumSet.of(CANCELLED, FAILED);
    COMPLETED.next = EnumSet.noneOf(CampaignState.class);
    CANCELLED.next = EnumSet.noneOf(CampaignState.class);
    FAILED.next = EnumSet.noneOf(CampaignState.class);
  }

  public boolean canMoveTo(CampaignState target) {
    return next.contains(target);
  }

  /** Does a worker have batches to run in this state? */
  public boolean runnable() {
    return this == RUNNING || this == CANCELLING;
  }

  public boolean isFinal() {
    return next.isEmpty();
  }

  /** Throws ILLEGAL_STATE when this state may not move to {@code target}. */
  public void requireMoveTo(CampaignState target) {
    if (!canMoveTo(target)) {
      throw RekeyException.illegalState("a " + wireName() + " campaign cannot become " + target.wireName());
    }
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static CampaignState fromWire(String s) {
    for (CampaignState c : values()) {
      if (c.wireName().equals(s)) {
        return c;
      }
    }
    throw RekeyException.invalid("unknown campaign state '" + s + "'; states: running, paused, cancelling,"
        + " completed, cancelled, failed");
  }
}
