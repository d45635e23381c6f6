package dev.rekey.api;

/** One version of a tenant's data key: which KEK version wraps it. Never the key itself. */
public record DekVersionView(int version, int kekVersion, String createdAt) {}
