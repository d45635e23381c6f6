package dev.rekey.api;

/** {@code POST /v1/keys/{name}/export}: the version to export, or null for the primary. */
public record KeyExportRequest(Integer version) {}
