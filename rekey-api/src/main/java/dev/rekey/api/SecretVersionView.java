package dev.rekey.api;

import java.util.List;

/** One version of a secret, without its value. {@code labels}: staging labels first, then custom ones. */
public record SecretVersionView(int version, String state, List<String> labels, String createdAt,
    String stateChangedAt, String expiresAt, String destroyAfter) {}
