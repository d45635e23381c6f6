package dev.rekey.api;

/** The signature as {@code rekey:v<n>:<base64>} and the version that made it. */
public record SignResponse(String signature, int version) {}
