package dev.rekey.api;

/** Every error response: {@code {"error":{"code":"...","message":"..."}}}. */
public record ErrorBody(ErrorDetail error) {}
