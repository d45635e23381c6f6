package dev.rekey.api;

import java.util.List;

/** The stored rotation policies, ordered by scope. */
public record PolicyList(List<PolicySpec> policies) {}
