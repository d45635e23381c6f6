package dev.rekey.api;

/** {@code POST /v1/keys/{name}/rotate}; {@code promote} null or true makes the new version primary, false adds it pending. */
public record RotateRequest(Boolean promote) {}
