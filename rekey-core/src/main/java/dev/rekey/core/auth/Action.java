package dev.rekey.core.auth;

/** Everything a request can ask to do. Each is checked against the caller's grants. */
public enum Action {
  KEY_CREATE(true), KEY_READ(true), KEY_ROTATE(true), KEY_CONFIGURE(true), KEY_LIFECYCLE(true),
  /** Reading key material out of Rekey: granted only by the admin role, and only for exportable keys. */
  KEY_EXPORT(true),
  /** Secret metadata and history, never values. */
  SECRET_LIST(true),
  /** Secret values. */
  SECRET_READ(true),
  /** New secret versions. */
  SECRET_WRITE(true),
  /** Labels and version lifecycle of secrets. */
  SECRET_MANAGE(true),
  /** Configure and start secret rotations. */
  SECRET_ROTATE(true),
  /** A namespace's secret guardrail. */
  SECRET_GUARDRAIL(false),
  /** Re-wrapping data away from a REVOKED version (the emergency path): admin only. */
  EMERGENCY_REWRAP(true),
  ENCRYPT(true), DECRYPT(true), REWRAP(true), DATAKEY(true), MAC(true), SIGN(true), VERIFY(true),
  AUDIT_READ(false), TOKEN_CREATE(false), TOKEN_REVOKE(false), TOKEN_READ(false),
  SYSTEM_ROTATE_ROOT(false), SYSTEM_SEAL(false), APPROVE(false),
  /** Reading one's own token: allowed to every authenticated caller. */
  TOKEN_SELF(false),
  WEBHOOK_MANAGE(false), WEBHOOK_READ(false), EVENT_READ(false),
  /** Reading {@code /metrics} (unless the server serves it without a token). */
  METRICS_READ(false),
  /** Rotation policies and the scheduler's status (not per key: a policy may cover a namespace or type). */
  POLICY_READ(false), POLICY_APPLY(false), ROTATION_STATUS(false),
  /** Server-held tenant data keys under a key: create and rotate, read metadata, fetch in the clear. */
  DEK_CREATE(true), DEK_READ(true), DEK_ROTATE(true), DEK_FETCH(true),
  /** Re-wrap campaigns of a namespace: read progress; start, pause, resume, cancel, throttle. */
  REWRAP_CAMPAIGN_READ(false), REWRAP_CAMPAIGN_MANAGE(false),
  /** Register, change and remove consumers and their bindings; set propagation policies. */
  CONSUMER_MANAGE(false),
  /** Read consumers, bindings, their state and the rotation drift report. */
  CONSUMER_READ(false),
  /** A consumer reports the key version it uses (on the key in the path). */
  CONSUMER_CONFIRM(true),
  /** A consumer reports the secret version it uses (on the secret in the path). */
  CONSUMER_CONFIRM_SECRET(true);

  private final boolean onKey;

  Action(boolean onKey) {
    this.onKey = onKey;
  }

  /** Does the action target a key (so grants are matched on namespace and key name)? */
  public boolean onKey() {
    return onKey;
  }

  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '.');
  }
}
