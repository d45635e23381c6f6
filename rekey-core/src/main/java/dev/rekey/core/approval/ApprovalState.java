package dev.rekey.core.approval;

import java.util.Locale;

/**
 * Where an {@link Approval} stands. {@code PENDING} waits for approvers; {@code APPROVED} may be
 * used once, by its requester, for the very request it was made for; the others are final.
 *
 * <pre>
 * PENDING  -> APPROVED (enough approvers), DENIED (an approver), CANCELLED (requester), EXPIRED (time)
 * APPROVED -> USED (the request ran), CANCELLED (requester), EXPIRED (time)
 * </pre>
 */
public enum ApprovalState {
  PENDING, APPROVED, DENIED, CANCELLED, EXPIRED, USED;

  public boolean isFinal() {
    return this != PENDING && this != APPROVED;
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The state of a wire name, or null when unknown. */
  public static ApprovalState fromWire(String name) {
    for (ApprovalState s : values()) {
      if (s.wireName().equals(name)) {
        return s;
      }
    }
    return null;
  }
}
