package dev.rekey.api;

/**
 * A namespace's rules for new secret versions: {@code requireExpiry} denies versions without an
 * expiry; {@code maxLifetime} (ISO-8601 duration, null for none) caps how far away it may be.
 */
public record SecretGuardrailView(String namespace, Boolean requireExpiry, String maxLifetime) {}
