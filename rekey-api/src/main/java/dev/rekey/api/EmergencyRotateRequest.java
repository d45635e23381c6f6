package dev.rekey.api;

/**
 * {@code POST /v1/keys/{name}/emergency-rotate}: the version known to be compromised, or null (no
 * body) for the primary when the request arrives.
 */
public record EmergencyRotateRequest(Integer version) {}
