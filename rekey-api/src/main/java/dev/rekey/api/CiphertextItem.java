package dev.rekey.api;

/** One ciphertext ({@code rekey:v<n>:...}) to decrypt or rewrap, with its optional context (base64). */
public record CiphertextItem(String ciphertext, String context) {}
