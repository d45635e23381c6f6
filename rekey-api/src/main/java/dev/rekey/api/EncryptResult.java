package dev.rekey.api;

/**
 * One item of an encrypt or rewrap batch answer: either {@code ciphertext} and {@code version},
 * or {@code error} (the other fields null). Items are in request order.
 */
public record EncryptResult(String ciphertext, Integer version, ErrorDetail error) {}
