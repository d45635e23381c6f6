package dev.rekey.api;

/** {@code POST /v1/sys/init}; both null for seals without shares. */
public record InitRequest(Integer shares, Integer threshold) {}
