package dev.rekey.api;

/** {@code PUT /v1/secrets/{name}/labels/{label}}: the version the label points at. */
public record SecretLabelRequest(Integer version) {}
