package dev.rekey.api;

/**
 * {@code PUT /v1/consumers/{name}/bindings/{key}} (or {@code .../secret-bindings/{secret}}): the consumer
 * uses {@code version} of the key (or secret) now.
 */
public record ConfirmRequest(Integer version) {}
