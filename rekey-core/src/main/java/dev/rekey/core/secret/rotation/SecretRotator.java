package dev.rekey.core.secret.rotation;

import java.util.Map;
import java.util.Set;

/**
 * One kind of secret rotation. The engine calls {@link #create} once per rotation (its result is
 * stored as the PENDING version before anything else happens), then {@link #set} and
 * {@link #test}, each possibly more than once after a crash or a failure: both must be idempotent.
 * Any exception fails the step with its message (which must not contain a secret).
 */
public interface SecretRotator {
  /** The name used in rotation configurations: {@code generated}, {@code postgresql}, ... */
  String type();

  /** Checks the parameters when a configuration is stored; throws INVALID_REQUEST naming the field. */
  default void validate(Map<String, String> params) {}

  /**
   * The parameters whose value names another secret of the namespace that the rotation reads (an
   * administrator's credentials, a signing key). Storing a configuration requires the caller to
   * be allowed to read each secret so named: the rotation hands its value to a system the
   * configuration chooses.
   */
  default Set<String> secretParams() {
    return Set.of();
  }

  /**
   * Whether the rotation sends the secret's new value to a system its parameters choose (a URL, a
   * database): then storing a configuration requires the caller to be allowed to read the rotated
   * secret itself, or it could point the rotation at its own endpoint and receive the value.
   */
  default boolean sendsValueToParams() {
    return false;
  }

  /**
   * The longest one step ({@link #create}, {@link #set} or {@link #test}) may take with these
   * parameters, calls to other systems and their timeouts included. The engine renews a rotation's
   * lease before each step for longer than this, so no other node takes the rotation over while a
   * live node is still in a step. The default suits rotators that call nothing outside the server.
   */
  default java.time.Duration maxStepDuration(Map<String, String> params) {
    return java.time.Duration.ofSeconds(10);
  }

  /** The new value, given the current one. */
  byte[] create(Input in);

  /** Puts the pending value into the target system. Idempotent. */
  default void set(Input in, byte[] pending) {}

  /** Checks that the pending value works in the target system. */
  default void test(Input in, byte[] pending) {}

  /**
   * What a rotator sees: the rotation (its id is a stable idempotency key), the secret, its
   * parameters, the CURRENT value, the PENDING version once created, and a way to read other
   * secrets of the namespace (for example administrator credentials).
   */
  record Input(String rotationId, String namespace, String secret, Map<String, String> params, byte[] current,
      Integer pendingVersion, java.util.function.Function<String, byte[]> otherSecret) {
    public String param(String name, String defaultValue) {
      return params.getOrDefault(name, defaultValue);
    }

    public String requiredParam(String name) {
      String v = params.get(name);
      if (v == null || v.isBlank()) {
        throw dev.rekey.core.RekeyException.invalid("rotation parameter '" + name + "' is required");
      }
      return v;
    }

    @Override
    public String toString() {
      return "SecretRotator.Input[" + namespace + "/" + secret + ", params=" + params + ", redacted]";
    }
  }
}
