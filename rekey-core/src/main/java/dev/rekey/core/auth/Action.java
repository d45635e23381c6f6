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
  /** The audit trail spans namespaces: only a grant on every namespace ({@code *}) allows reading it. */
  AUDIT_READ(Scope.GLOBAL),
  /**
   * Tokens carry grants on any namespaces, so the request's namespace says nothing about them: any
   * grant whose role has the action allows the request, and the token service then checks each
   * token's grants against the caller's own (it issues, lists and revokes only what it holds).
   */
  TOKEN_CREATE(Scope.TOKENS), TOKEN_REVOKE(Scope.TOKENS), TOKEN_READ(Scope.TOKENS),
  /** The root keyring and the seal are the whole server's: only a grant on every namespace allows them. */
  SYSTEM_ROTATE_ROOT(Scope.GLOBAL), SYSTEM_SEAL(Scope.GLOBAL),
  /** Approve or deny another principal's request for a guarded operation (two-person approval). */
  APPROVE(false),
  /**
   * Read approval requests and the approval policy: allowed to every authenticated caller, who
   * sees the requests it made, and all of a namespace's when it may approve there.
   */
  APPROVAL_READ(false),
  /** Set or remove a namespace's approval policy (itself guarded by the policy once there is one). */
  APPROVAL_POLICY(false),
  /** Reading one's own token: allowed to every authenticated caller. */
  TOKEN_SELF(false),
  /** Subscriptions and the event log span namespaces: only a grant on every namespace allows them. */
  WEBHOOK_MANAGE(Scope.GLOBAL), WEBHOOK_READ(Scope.GLOBAL), EVENT_READ(Scope.GLOBAL),
  /** Reading {@code /metrics} (unless the server serves it without a token): the whole server's, so global. */
  METRICS_READ(Scope.GLOBAL),
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

  /** What grants are matched on. */
  private enum Scope {
    /** the namespace and the key name */
    KEY,
    /** the request's namespace */
    NAMESPACE,
    /** nothing narrower than every namespace: only a grant on namespace {@code *} allows it */
    GLOBAL,
    /** tokens: the role alone; the token service checks each token's grants against the caller's */
    TOKENS
  }

  private final Scope scope;

  Action(boolean onKey) {
    this(onKey ? Scope.KEY : Scope.NAMESPACE);
  }

  Action(Scope scope) {
    this.scope = scope;
  }

  /** Does the action target a key (so grants are matched on namespace and key name)? */
  public boolean onKey() {
    return scope == Scope.KEY;
  }

  /**
   * Does the action concern the whole server (the seal, the root keyring, the audit trail,
   * metrics, webhooks and events), so that only a grant on every namespace allows it, whatever
   * namespace the request names?
   */
  public boolean global() {
    return scope == Scope.GLOBAL;
  }

  /**
   * Is the action about tokens, whose grants the token service checks against the caller's own, so
   * that the request's namespace and key do not matter?
   */
  public boolean onTokens() {
    return scope == Scope.TOKENS;
  }

  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '.');
  }
}
