package dev.rekey.api;

/** Paths of the rotation-policy and scheduler endpoints. */
public final class PolicyPaths {
  public static final String POLICIES = "/v1/policies";
  public static final String ROTATION_STATUS = "/v1/rotation/status";

  private PolicyPaths() {}

  /** {@code /v1/policies/{scope}} with the scope percent-encoded ({@code key%3Ans%2Fname}). */
  public static String policy(String scope) {
    return POLICIES + "/" + ApiPaths.segment(scope);
  }
}
