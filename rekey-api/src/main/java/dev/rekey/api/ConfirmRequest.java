package dev.rekey.api;

/** {@code PUT /v1/consumers/{name}/bindings/{key}}: the consumer uses {@code version} of the key now. */
public record ConfirmRequest(Integer version) {}
