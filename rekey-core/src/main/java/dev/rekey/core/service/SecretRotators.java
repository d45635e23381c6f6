package dev.rekey.core.service;

import dev.rekey.core.RekeyException;
import dev.rekey.core.secret.rotation.RotationConfig;
import dev.rekey.core.secret.rotation.SecretRotator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The kinds of secret rotation this server knows, by {@link SecretRotator#type}. */
final class SecretRotators {
  private final Map<String, SecretRotator> byType = new LinkedHashMap<>();

  SecretRotators(List<SecretRotator> rotators) {
    rotators.forEach(r -> byType.put(r.type(), r));
  }

  List<String> types() {
    return List.copyOf(byType.keySet());
  }

  /** The rotator of {@code type}; INVALID_REQUEST naming the known types when there is none. */
  SecretRotator get(String type) {
    SecretRotator r = byType.get(type);
    if (r == null) {
      throw RekeyException.invalid("unknown rotator '" + type + "'; known: " + String.join(", ", byType.keySet()));
    }
    return r;
  }

  /** The secrets a configuration's parameters name, by parameter, as its rotator declares them. */
  static Map<String, String> namedSecrets(SecretRotator rotator, RotationConfig config) {
    Map<String, String> named = new TreeMap<>();
    for (String param : rotator.secretParams()) {
      String name = config.params().get(param);
      if (name != null) {
        named.put(param, name);
      }
    }
    return named;
  }
}
