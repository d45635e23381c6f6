package dev.rekey.api;

/** One error: a stable {@link ErrorCode} wire string and a message safe to show to the caller. */
public record ErrorDetail(String code, String message) {}
