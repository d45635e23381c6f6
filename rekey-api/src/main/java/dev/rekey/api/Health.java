package dev.rekey.api;

/**
 * {@code GET /v1/health}: 200 with status {@code ok}; 503 with status {@code sealed} or
 * {@code uninitialized} (same body shape).
 */
public record Health(String status, Boolean initialized, Boolean sealed, String version) {}
