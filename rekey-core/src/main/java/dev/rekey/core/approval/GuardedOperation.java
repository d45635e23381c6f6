package dev.rekey.core.approval;

import dev.rekey.core.RekeyException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The destructive and emergency operations a namespace's {@link ApprovalPolicy} can put under
 * two-person approval: the request runs only with an approval another principal gave.
 */
public enum GuardedOperation {
  /** Scheduling the destruction of a key version. */
  KEY_DESTROY("key.destroy"),
  /** Revoking a key's compromised version and promoting a new one. */
  KEY_EMERGENCY_ROTATE("key.emergency-rotate"),
  /** Reading key material out of Rekey. */
  KEY_EXPORT("key.export"),
  /** Scheduling the destruction of a secret version. */
  SECRET_DESTROY("secret.destroy"),
  /** Changing or removing the namespace's approval policy itself, once it has one. */
  POLICY_CHANGE("approval-policy.change");

  private final String wire;

  GuardedOperation(String wire) {
    this.wire = wire;
  }

  public String wireName() {
    return wire;
  }

  public static GuardedOperation fromWire(String name) {
    if (name != null) {
      String n = name.trim().toLowerCase(Locale.ROOT);
      for (GuardedOperation op : values()) {
        if (op.wire.equals(n)) {
          return op;
        }
      }
    }
    throw RekeyException.invalid("unknown operation '" + name + "'; operations: "
        + Arrays.stream(values()).map(GuardedOperation::wireName).collect(Collectors.joining(", ")));
  }
}
