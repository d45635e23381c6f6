package dev.rekey.server.config;

import java.util.Map;

/**
 * The configuration file as written by the operator (YAML or JSON, snake_case). Every field is
 * optional here; {@link ConfigLoader} checks the combination and fills defaults. Secrets are given
 * by the name of an environment variable ({@code password_env}, {@code pin_env}), never inline.
 */
record ConfigFile(
    String listen,
    String dataDir,
    Storage storage,
    Seal seal,
    Tls tls,
    String cacheTtl,
    Integer minimumDestroyDays,
    Integer maxRequestBytes,
    Integer eventLoops,
    String jwksOverlap,
    Usage usage,
    MetricsAccess metrics,
    KeyExport keyExport,
    String schedulerInterval,
    String minimumRotationPeriod,
    String tokenMaxTtl,
    java.util.List<String> outboundDeny) {

  /** {@code key_export: {enabled: true}} allows exporting keys marked exportable; off by default. */
  record KeyExport(Boolean enabled) {}

  record Storage(String url, String user, String passwordEnv) {}

  record Seal(String type, String file, Pkcs11 pkcs11) {}

  record Pkcs11(String library, Integer slotListIndex, String pinEnv, String keyLabel) {}

  record Usage(String flushInterval) {}

  record MetricsAccess(Boolean unauthenticated) {}

  record Tls(String certFile, String keyFile, Boolean disable) {}

  static Map<String, String> environment() {
    return System.getenv();
  }
}
