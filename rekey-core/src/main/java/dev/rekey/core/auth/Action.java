package dev.rekey.core.auth;

/** Everything a request can ask to do. Each is checked against the caller's grants. */
public enum Action {
  KEY_CREATE(true), KEY_READ(true), KEY_ROTATE(true), KEY_CONFIGURE(true), KEY_LIFECYCLE(true),
  ENCRYPT(true), DECRYPT(true), REWRAP(true), DATAKEY(true), MAC(true), SIGN(true), VERIFY(true),
  AUDIT_READ(false), TOKEN_CREATE(false), TOKEN_REVOKE(false), TOKEN_READ(false),
  SYSTEM_ROTATE_ROOT(false), SYSTEM_SEAL(false), APPROVE(false),
  /** Reading one's own token: allowed to every authenticated caller. */
  TOKEN_SELF(false),
  /** Server-held tenant data keys under a key: create and rotate, read metadata, fetch in the clear. */
  DEK_CREATE(true), DEK_READ(true), DEK_ROTATE(true), DEK_FETCH(true),
  /** Re-wrap campaigns of a namespace: read progress; start, pause, resume, cancel, throttle. */
  REWRAP_CAMPAIGN_READ(false), REWRAP_CAMPAIGN_MANAGE(false);

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
