package dev.rekey.api;

/**
 * A consumer's binding to a key or secret ({@code subjectKind} {@code key} or {@code secret}, named by
 * {@code key}, which holds the subject's name): {@code mode} latest or pinned; {@code origin} explicit, selector or
 * observed; the {@code version} it uses (0: unknown) since {@code since}; the {@code targetVersion}
 * of the last rotation; {@code state} CURRENT, PENDING_UPDATE or STALE with its {@code deadline};
 * {@code hookState} of the update request (NONE, PENDING, DELIVERED, DEAD).
 */
public record BindingView(String consumer, String key, String mode, String origin, int version, String since,
    int targetVersion, String state, String deadline, String lastSeenAt, String hookState, int hookAttempts,
    String hookError, String subjectKind) {}
