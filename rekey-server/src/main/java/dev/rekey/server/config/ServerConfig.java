package dev.rekey.server.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The validated, complete configuration of one server. Built by {@link ConfigLoader} from a file
 * or by {@link #dev} for development; never half-valid.
 *
 * @param devRootToken the root token to ensure in dev mode, or null to generate one
 * @param jwksOverlap how long a previous signing-key primary stays in the JWKS after demotion
 * @param usage how often usage counts are persisted, and who may read {@code /metrics}
 * @param keyExportEnabled whether exportable keys may be exported at all ({@code key_export.enabled}, off by default)
 * @param schedulerInterval how often the rotation scheduler ticks ({@code scheduler_interval})
 */
public record ServerConfig(
    String host,
    int port,
    Path dataDir,
    StorageSettings storage,
    SealSettings seal,
    TlsSettings tls,
    boolean dev,
    String devRootToken,
    Duration cacheTtl,
    Duration minimumDestroyWait,
    int maxRequestBytes,
    int eventLoops,
    Duration jwksOverlap,
    UsageSettings usage,
    boolean keyExportEnabled,
    Duration schedulerInterval) {

  public static final int DEFAULT_PORT = 8200;
  /** How often the rotation scheduler ticks. */
  public static final Duration DEFAULT_SCHEDULER_INTERVAL = Duration.ofSeconds(1);

  public static final int DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024;
  public static final Duration DEFAULT_JWKS_OVERLAP = Duration.ofHours(24);

  /** Where to keep data: a JDBC URL with optional credentials. */
  public record StorageSettings(String url, String user, String password) {
    @Override
    public String toString() {
      return "StorageSettings[url=" + url + ", user=" + user + ", password=" + (password == null ? "none" : "redacted") + "]";
    }
  }

  /**
   * What seals the root keyring. {@code type} is {@code file}, {@code shamir} or {@code pkcs11}.
   * File: {@code file}. PKCS#11: {@code library}, {@code slotListIndex}, {@code pin}, {@code keyLabel}.
   */
  public record SealSettings(String type, Path file, String library, Integer slotListIndex, String pin,
      String keyLabel) {
    @Override
    public String toString() {
      return "SealSettings[type=" + type + ", file=" + file + ", library=" + library + ", slotListIndex="
          + slotListIndex + ", pin=" + (pin == null ? "none" : "redacted") + ", keyLabel=" + keyLabel + "]";
    }
  }

  /**
   * Usage tracking and metrics: counts are added to storage every {@code flushInterval} (and at
   * shutdown); {@code /metrics} needs a token allowed {@code metrics.read} unless
   * {@code metricsUnauthenticated}.
   */
  public record UsageSettings(Duration flushInterval, boolean metricsUnauthenticated) {
    public static final UsageSettings DEFAULTS = new UsageSettings(Duration.ofSeconds(10), false);

    public UsageSettings {
      if (flushInterval == null || flushInterval.isNegative() || flushInterval.isZero()) {
        throw new IllegalArgumentException("usage flush interval must be positive");
      }
    }
  }

  /** As the canonical constructor, with default usage settings, key export off and the default scheduler interval. */
  public ServerConfig(String host, int port, Path dataDir, StorageSettings storage, SealSettings seal,
      TlsSettings tls, boolean dev, String devRootToken, Duration cacheTtl, Duration minimumDestroyWait,
      int maxRequestBytes, int eventLoops, Duration jwksOverlap) {
    this(host, port, dataDir, storage, seal, tls, dev, devRootToken, cacheTtl, minimumDestroyWait,
        maxRequestBytes, eventLoops, jwksOverlap, UsageSettings.DEFAULTS, false, DEFAULT_SCHEDULER_INTERVAL);
  }

  /** TLS certificate and key in PEM, or null when TLS is off. */
  public record TlsSettings(Path certFile, Path keyFile) {}

  /** Development defaults: SQLite and a generated root key file in {@code dataDir}. */
  public static ServerConfig dev(String host, int port, Path dataDir, String devRootToken) {
    return new ServerConfig(host, port, dataDir,
        new StorageSettings("jdbc:sqlite:" + dataDir.resolve("rekey.db"), null, null),
        new SealSettings("file", dataDir.resolve("root.key"), null, null, null, null),
        null, true, devRootToken, Duration.ofSeconds(1), Duration.ofDays(1), DEFAULT_MAX_REQUEST_BYTES,
        defaultEventLoops(), DEFAULT_JWKS_OVERLAP, UsageSettings.DEFAULTS, false, DEFAULT_SCHEDULER_INTERVAL);
  }

  public static int defaultEventLoops() {
    return Math.max(1, Runtime.getRuntime().availableProcessors());
  }

  public String address() {
    return host + ":" + port;
  }

  public ServerConfig withPort(int newPort) {
    return new ServerConfig(host, newPort, dataDir, storage, seal, tls, dev, devRootToken, cacheTtl,
        minimumDestroyWait, maxRequestBytes, eventLoops, jwksOverlap, usage, keyExportEnabled, schedulerInterval);
  }

  public ServerConfig withStorage(StorageSettings newStorage) {
    return new ServerConfig(host, port, dataDir, newStorage, seal, tls, dev, devRootToken, cacheTtl,
        minimumDestroyWait, maxRequestBytes, eventLoops, jwksOverlap, usage, keyExportEnabled, schedulerInterval);
  }

  public ServerConfig withSeal(SealSettings newSeal) {
    return new ServerConfig(host, port, dataDir, storage, newSeal, tls, dev, devRootToken, cacheTtl,
        minimumDestroyWait, maxRequestBytes, eventLoops, jwksOverlap, usage, keyExportEnabled, schedulerInterval);
  }

  public ServerConfig withKeyExport(boolean enabled) {
    return new ServerConfig(host, port, dataDir, storage, seal, tls, dev, devRootToken, cacheTtl,
        minimumDestroyWait, maxRequestBytes, eventLoops, jwksOverlap, usage, enabled, schedulerInterval);
  }

  public ServerConfig withUsage(UsageSettings newUsage) {
    return new ServerConfig(host, port, dataDir, storage, seal, tls, dev, devRootToken, cacheTtl,
        minimumDestroyWait, maxRequestBytes, eventLoops, jwksOverlap, newUsage, keyExportEnabled, schedulerInterval);
  }

  public ServerConfig withSchedulerInterval(Duration interval) {
    return new ServerConfig(host, port, dataDir, storage, seal, tls, dev, devRootToken, cacheTtl,
        minimumDestroyWait, maxRequestBytes, eventLoops, jwksOverlap, usage, keyExportEnabled, interval);
  }

  public ServerConfig withCacheTtl(Duration ttl) {
    return new ServerConfig(host, port, dataDir, storage, seal, tls, dev, devRootToken, ttl,
        minimumDestroyWait, maxRequestBytes, eventLoops, jwksOverlap, usage, keyExportEnabled, schedulerInterval);
  }
}
