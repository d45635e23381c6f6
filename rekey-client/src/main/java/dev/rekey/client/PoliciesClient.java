package dev.rekey.client;

import dev.rekey.api.PolicyDiff;
import dev.rekey.api.PolicyFile;
import dev.rekey.api.PolicyList;
import dev.rekey.api.PolicyPaths;
import dev.rekey.api.PolicySpec;
import dev.rekey.api.RotationStatus;
import java.util.List;

/**
 * Rotation policies (policies as code) and the scheduler's status ({@code client.policies()}).
 * Shares the connection, token and namespace of the {@link RekeyClient} it came from.
 */
public final class PoliciesClient {
  private final ApiCalls calls;

  PoliciesClient(ApiCalls calls) {
    this.calls = calls;
  }

  /** Applies policies; with {@code dryRun} only returns what would change. */
  public PolicyDiff apply(List<PolicySpec> policies, boolean dryRun) {
    return calls.send("PUT", PolicyPaths.POLICIES, new PolicyFile(policies, dryRun), PolicyDiff.class);
  }

  public PolicyList list() {
    return calls.get(PolicyPaths.POLICIES, PolicyList.class);
  }

  /** The policy of {@code scope} ({@code key:ns/name}, {@code namespace:ns} or {@code type:aes256-gcm}). */
  public PolicySpec get(String scope) {
    return calls.get(PolicyPaths.policy(scope), PolicySpec.class);
  }

  public void delete(String scope) {
    calls.call("DELETE", PolicyPaths.policy(scope));
  }

  /** Rotations due, overdue and failed, and the calendar of the next 30 days. */
  public RotationStatus rotationStatus() {
    return calls.get(PolicyPaths.ROTATION_STATUS, RotationStatus.class);
  }
}
