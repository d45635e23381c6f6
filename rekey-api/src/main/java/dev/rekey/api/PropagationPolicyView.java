package dev.rekey.api;

/**
 * How rotations of a key reach its consumers: {@code deadline} to move (ISO-8601, default PT1H),
 * {@code quietPeriod} during which a version just left stays protected from retirement (default
 * PT0S), and {@code verifyBeforePromote}. In requests, null fields keep their current value.
 */
public record PropagationPolicyView(String deadline, String quietPeriod, Boolean verifyBeforePromote) {}
