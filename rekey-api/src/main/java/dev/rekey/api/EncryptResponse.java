package dev.rekey.api;

/** Answer to a single encrypt or rewrap: the ciphertext and the key version that made it. */
public record EncryptResponse(String ciphertext, int version) {}
