package dev.rekey.api;

/** {@code POST /v1/keys/{name}/datakey}; {@code wrappedOnly} null means false; context optional (base64). */
public record DatakeyRequest(Boolean wrappedOnly, String context) {}
