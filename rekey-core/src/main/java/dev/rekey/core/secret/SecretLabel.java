package dev.rekey.core.secret;

import java.util.Locale;
import java.util.Optional;

/**
 * The staging labels of a secret's versions, as AWS Secrets Manager names them. They are views on
 * the version lifecycle, not separate state: CURRENT is the PRIMARY version, PREVIOUS the ACTIVE
 * one (the last current), PENDING the PENDING one. Custom labels are stored per secret.
 */
public enum SecretLabel {
  CURRENT, PENDING, PREVIOUS;

  public static Optional<SecretLabel> reserved(String label) {
    if (label == null) {
      return Optional.empty();
    }
    String upper = label.toUpperCase(Locale.ROOT);
    for (SecretLabel l : values()) {
      if (l.name().equals(upper)) {
        return Optional.of(l);
      }
    }
    return Optional.empty();
  }
}
