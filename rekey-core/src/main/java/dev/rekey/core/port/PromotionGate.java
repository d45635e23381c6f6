package dev.rekey.core.port;

import java.util.List;

/**
 * Verify before promote: when a key's policy asks for it, a rotation first adds the new version as
 * PENDING, asks the gate to validate it, and promotes it only if nothing failed.
 */
public interface PromotionGate {
  /** Must new versions of this key be validated before they become primary? */
  boolean required(String namespace, String key);

  /** Validates {@code version}; returns who failed (empty: passed). */
  List<String> validate(String namespace, String key, int version);

  PromotionGate NONE = new PromotionGate() {
    @Override
    public boolean required(String namespace, String key) {
      return false;
    }

    @Override
    public List<String> validate(String namespace, String key, int version) {
      return List.of();
    }
  };
}
