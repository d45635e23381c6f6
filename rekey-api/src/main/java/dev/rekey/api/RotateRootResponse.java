package dev.rekey.api;

/** {@code POST /v1/sys/rotate-root}: the new root key id and how many stored keys were rewrapped. */
public record RotateRootResponse(String rootKeyId, long rewrappedKeys) {}
