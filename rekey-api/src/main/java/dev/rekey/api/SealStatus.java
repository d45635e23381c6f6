package dev.rekey.api;

/**
 * {@code GET /v1/sys/seal-status} and the answer to unseal. {@code shares}, {@code threshold} and
 * {@code progress} are null for seals without shares (file, pkcs11). {@code sealType} is
 * {@code shamir}, {@code file} or {@code pkcs11}.
 */
public record SealStatus(
    boolean initialized,
    boolean sealed,
    String sealType,
    Integer shares,
    Integer threshold,
    Integer progress) {}
