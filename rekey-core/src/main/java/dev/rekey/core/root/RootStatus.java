package dev.rekey.core.root;

/**
 * What {@link RootOfTrust#status()} reports; nothing secret. {@code sealType}, {@code shares} and
 * {@code threshold} come from the stored seal configuration once initialized ({@code shares} and
 * {@code threshold} are 0 for seals other than shamir). {@code progress} counts the unseal shares
 * submitted so far. {@code rotationPending} is true while the keyring holds old generations that
 * {@link RootOfTrust#resumeRootRotation} still has to retire.
 */
public record RootStatus(
    boolean initialized,
    boolean sealed,
    String sealType,
    int shares,
    int threshold,
    int progress,
    boolean rotationPending) {}
