package dev.rekey.api;

/** The tag as {@code rekey:v<n>:...} and the version that made it. */
public record MacResponse(String mac, int version) {}
