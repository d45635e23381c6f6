package dev.rekey.api;

import java.util.List;

/** {@code GET /v1/secrets}: one page of secret metadata; {@code nextAfter} continues, null at the end. */
public record SecretList(List<SecretView> secrets, String nextAfter) {}
