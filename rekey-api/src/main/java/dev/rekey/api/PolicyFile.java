package dev.rekey.api;

import java.util.List;

/** Body of {@code PUT /v1/policies}: the policies to store; with {@code dryRun} nothing is stored. */
public record PolicyFile(List<PolicySpec> policies, Boolean dryRun) {}
