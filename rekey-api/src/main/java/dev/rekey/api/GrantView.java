package dev.rekey.api;

/**
 * One grant of a token: a role ({@code admin}, {@code key-officer}, {@code crypto-user},
 * {@code auditor}, {@code approver}) in a namespace on the keys matching a glob pattern.
 */
public record GrantView(String role, String namespace, String keys) {}
