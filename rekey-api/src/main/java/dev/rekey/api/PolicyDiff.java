package dev.rekey.api;

import java.util.List;

/**
 * What applying a policy file changes (or, for a dry run, would change): scopes created, updated
 * and unchanged. Applying the same file twice reports only unchanged scopes.
 */
public record PolicyDiff(boolean dryRun, List<Change> changes) {
  /** One scope: {@code action} is {@code create}, {@code update} or {@code unchanged}. */
  public record Change(String scope, String action, List<String> fields) {}

  public boolean hasChanges() {
    return changes.stream().anyMatch(c -> !c.action().equals("unchanged"));
  }
}
