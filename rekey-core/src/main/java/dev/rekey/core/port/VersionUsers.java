package dev.rekey.core.port;

import java.util.List;

/**
 * Who still uses a key version: consulted before a version is retired, disabled or scheduled for
 * destruction, so a version in use is not taken away from its users by accident.
 */
@FunctionalInterface
public interface VersionUsers {
  /** Names of the consumers that use {@code version} of the key, or used it within their quiet period. */
  List<String> using(String namespace, String key, int version);

  VersionUsers NONE = (namespace, key, version) -> List.of();
}
