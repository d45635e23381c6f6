package dev.rekey.api;

/** Whether the tag is valid for the message; a wrong tag is {@code valid=false}, not an error. */
public record MacVerifyResponse(boolean valid) {}
