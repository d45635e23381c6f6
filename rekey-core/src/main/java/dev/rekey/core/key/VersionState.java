package dev.rekey.core.key;

import java.util.EnumSet;
import java.util.Set;

/**
 * The one lifecycle every key version follows (DESIGN.md section 3). Each state lists the
 * states it may move to; {@link Key} adds the key-wide rules (exactly one primary, minimum
 * versions).
 *
 * <pre>
 * PENDING ──promote──▶ PRIMARY ──rotate──▶ ACTIVE ──retire──▶ RETIRED
 *    │                    │                  ▲ │                 │
 *    │                    │ (emergency)      └─┼── enable ───────┤
 *    ▼                    ▼                    ▼                 ▼
 * DISABLED ◀──────────▶ REVOKED ──▶ DESTROY_SCHEDULED ──▶ DESTROYED
 * </pre>
 */
public enum VersionState {
  /** Created and published, not yet used to encrypt or sign. */
  PENDING,
  /** The one version used for new encryptions and signatures. */
  PRIMARY,
  /** A previous primary that still decrypts and verifies (dual-running window). */
  ACTIVE,
  /** Below the minimum decryption version: only re-wrap and historical verification. */
  RETIRED,
  /** Reversibly stopped: no use at all. */
  DISABLED,
  /** Compromised; irreversible. Only the emergency re-wrap path may read it. */
  REVOKED,
  /** Waiting for destruction; restorable until the waiting period ends. */
  DESTROY_SCHEDULED,
  /** Material erased; metadata and audit remain. Terminal. */
  DESTROYED;

  private Set<VersionState> next;

  static {
    PENDING.next = EnumSet.of(PRIMARY, DISABLED, REVOKED, DESTROY_SCHEDULED);
    PRIMARY.next = EnumSet.of(ACTIVE, REVOKED);
    ACTIVE.next = EnumSet.of(PRIMARY, RETIRED, DISABLED, REVOKED);
    RETIRED.next = EnumSet.of(ACTIVE, DISABLED, REVOKED, DESTROY_SCHEDULED);
    DISABLED.next = EnumSet.of(ACTIVE, RETIRED, REVOKED, DESTROY_SCHEDULED);
    REVOKED.next = EnumSet.of(DESTROY_SCHEDULED);
    DESTROY_SCHEDULED.next = EnumSet.of(DESTROYED, DISABLED, REVOKED);
    DESTROYED.next = EnumSet.noneOf(VersionState.class);
  }

  public boolean canMoveTo(VersionState target) {
    return next.contains(target);
  }

  public Set<VersionState> allowedNext() {
    return EnumSet.copyOf(next.isEmpty() ? EnumSet.noneOf(VersionState.class) : next);
  }

  /** May this version decrypt (or verify) in normal operation, before minimum-version checks? */
  public boolean decrypts() {
    return this == PRIMARY || this == ACTIVE;
  }

  /** Does the stored material still exist? */
  public boolean hasMaterial() {
    return this != DESTROYED;
  }

  /** The lower-case name used on the wire (built once: views list it for every version). */
  public String wireName() {
    return WIRE_NAMES[ordinal()];
  }

  private static final String[] WIRE_NAMES = java.util.Arrays.stream(values())
      .map(s -> s.name().toLowerCase(java.util.Locale.ROOT)).toArray(String[]::new);
}
