package dev.rekey.server.config;

import dev.rekey.server.net.OutboundPolicy;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The validated, complete configuration of one server. Built by {@link ConfigLoader} from a file,
 * by {@link #dev} for development, or with {@link #builder()} / {@link #toBuilder()}; never
 * half-valid.
 *
 * @param devRootToken the root token to ensure in dev mode, or null to generate one
 * @param jwksOverlap how long a previous signing-key primary stays in the JWKS after demotion
 * @param usage how often usage counts are persisted, and who may read {@code /metrics}
 * @param keyExportEnabled whether exportable keys may be exported at all ({@code key_export.enabled}, off by default)
 * @param schedulerInterval how often the rotation scheduler ticks ({@code scheduler_interval})
 * @param tokenMaxTtl the longest life of a token issued through the API ({@code token_max_ttl}); null for no limit
 * @param outboundPolicy the addresses webhooks, consumer hooks and rotators may not connect to
 *     ({@code outbound_deny}; link-local and unspecified addresses by default)
 * @param minimumRotationPeriod the shortest time a rotation policy or a secret's rotation may leave
 *     between two rotations ({@code minimum_rotation_period}; one hour, one second in dev mode)
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
    Duration schedulerInterval,
    Duration minimumRotationPeriod,
    Duration tokenMaxTtl,
    OutboundPolicy outboundPolicy) {

  public static final int DEFAULT_PORT = 8200;
  /** How often the rotation scheduler ticks. */
  public static final Duration DEFAULT_SCHEDULER_INTERVAL = Duration.ofSeconds(1);

  public static final int DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024;
  public static final Duration DEFAULT_JWKS_OVERLAP = Duration.ofHours(24);
  /** How long decrypted keys stay cached unless configured otherwise. */
  public static final Duration DEFAULT_CACHE_TTL = Duration.ofSeconds(1);
  /** How long a disabled key version must wait before it may be destroyed, unless configured otherwise. */
  public static final Duration DEFAULT_MINIMUM_DESTROY_WAIT = Duration.ofDays(1);
  /** The shortest rotation period allowed unless configured otherwise (as Vault's auto_rotate_period). */
  public static final Duration DEFAULT_MINIMUM_ROTATION_PERIOD = Duration.ofHours(1);
  /** In dev mode: short enough to watch the scheduler rotate. */
  public static final Duration DEV_MINIMUM_ROTATION_PERIOD = Duration.ofSeconds(1);

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

  /** TLS certificate and key in PEM, or null when TLS is off. */
  public record TlsSettings(Path certFile, Path keyFile) {}

  /**
   * A builder with the defaults: port {@value #DEFAULT_PORT}, not dev, no TLS, the default cache
   * TTL, destroy wait, request size, event loops, JWKS overlap, usage settings and scheduler
   * interval, key export off. Host, storage and seal must be set.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this configuration, to change a few settings. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Development defaults: SQLite and a generated root key file in {@code dataDir}. */
  public static ServerConfig dev(String host, int port, Path dataDir, String devRootToken) {
    return builder().host(host).port(port).dataDir(dataDir)
        .storage(new StorageSettings("jdbc:sqlite:" + dataDir.resolve("rekey.db"), null, null))
        .seal(new SealSettings("file", dataDir.resolve("root.key"), null, null, null, null))
        .dev(true).devRootToken(devRootToken).minimumRotationPeriod(DEV_MINIMUM_ROTATION_PERIOD).build();
  }

  public static int defaultEventLoops() {
    return Math.max(1, Runtime.getRuntime().availableProcessors());
  }

  public String address() {
    return host + ":" + port;
  }

  public ServerConfig withPort(int newPort) {
    return toBuilder().port(newPort).build();
  }

  public ServerConfig withStorage(StorageSettings newStorage) {
    return toBuilder().storage(newStorage).build();
  }

  public ServerConfig withSeal(SealSettings newSeal) {
    return toBuilder().seal(newSeal).build();
  }

  public ServerConfig withKeyExport(boolean enabled) {
    return toBuilder().keyExportEnabled(enabled).build();
  }

  public ServerConfig withUsage(UsageSettings newUsage) {
    return toBuilder().usage(newUsage).build();
  }

  public ServerConfig withSchedulerInterval(Duration interval) {
    return toBuilder().schedulerInterval(interval).build();
  }

  public ServerConfig withCacheTtl(Duration ttl) {
    return toBuilder().cacheTtl(ttl).build();
  }

  /** Builds a {@link ServerConfig}; each setter names the component it sets. */
  public static final class Builder {
    private String host;
    private int port = DEFAULT_PORT;
    private Path dataDir;
    private StorageSettings storage;
    private SealSettings seal;
    private TlsSettings tls;
    private boolean dev;
    private String devRootToken;
    private Duration cacheTtl = DEFAULT_CACHE_TTL;
    private Duration minimumDestroyWait = DEFAULT_MINIMUM_DESTROY_WAIT;
    private int maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES;
    private int eventLoops = defaultEventLoops();
    private Duration jwksOverlap = DEFAULT_JWKS_OVERLAP;
    private UsageSettings usage = UsageSettings.DEFAULTS;
    private boolean keyExportEnabled;
    private Duration schedulerInterval = DEFAULT_SCHEDULER_INTERVAL;
    private Duration minimumRotationPeriod = DEFAULT_MINIMUM_ROTATION_PERIOD;
    private Duration tokenMaxTtl;
    private OutboundPolicy outboundPolicy = OutboundPolicy.DEFAULT;

    private Builder() {}

    private Builder(ServerConfig c) {
      host = c.host;
      port = c.port;
      dataDir = c.dataDir;
      storage = c.storage;
      seal = c.seal;
      tls = c.tls;
      dev = c.dev;
      devRootToken = c.devRootToken;
      cacheTtl = c.cacheTtl;
      minimumDestroyWait = c.minimumDestroyWait;
      maxRequestBytes = c.maxRequestBytes;
      eventLoops = c.eventLoops;
      jwksOverlap = c.jwksOverlap;
      usage = c.usage;
      keyExportEnabled = c.keyExportEnabled;
      schedulerInterval = c.schedulerInterval;
      minimumRotationPeriod = c.minimumRotationPeriod;
      tokenMaxTtl = c.tokenMaxTtl;
      outboundPolicy = c.outboundPolicy;
    }

    public Builder host(String host) {
      this.host = host;
      return this;
    }

    /** The port to listen on; 0 picks a free one. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    public Builder dataDir(Path dataDir) {
      this.dataDir = dataDir;
      return this;
    }

    public Builder storage(StorageSettings storage) {
      this.storage = storage;
      return this;
    }

    public Builder seal(SealSettings seal) {
      this.seal = seal;
      return this;
    }

    /** TLS certificate and key, or null (the default) for plain HTTP. */
    public Builder tls(TlsSettings tls) {
      this.tls = tls;
      return this;
    }

    public Builder dev(boolean dev) {
      this.dev = dev;
      return this;
    }

    public Builder devRootToken(String devRootToken) {
      this.devRootToken = devRootToken;
      return this;
    }

    public Builder cacheTtl(Duration cacheTtl) {
      this.cacheTtl = cacheTtl;
      return this;
    }

    public Builder minimumDestroyWait(Duration minimumDestroyWait) {
      this.minimumDestroyWait = minimumDestroyWait;
      return this;
    }

    public Builder maxRequestBytes(int maxRequestBytes) {
      this.maxRequestBytes = maxRequestBytes;
      return this;
    }

    public Builder eventLoops(int eventLoops) {
      this.eventLoops = eventLoops;
      return this;
    }

    public Builder jwksOverlap(Duration jwksOverlap) {
      this.jwksOverlap = jwksOverlap;
      return this;
    }

    public Builder usage(UsageSettings usage) {
      this.usage = usage;
      return this;
    }

    public Builder keyExportEnabled(boolean keyExportEnabled) {
      this.keyExportEnabled = keyExportEnabled;
      return this;
    }

    public Builder tokenMaxTtl(Duration tokenMaxTtl) {
      this.tokenMaxTtl = tokenMaxTtl;
      return this;
    }

    public Builder outboundPolicy(OutboundPolicy outboundPolicy) {
      this.outboundPolicy = outboundPolicy;
      return this;
    }

    public Builder minimumRotationPeriod(Duration minimumRotationPeriod) {
      this.minimumRotationPeriod = minimumRotationPeriod;
      return this;
    }

    public Builder schedulerInterval(Duration schedulerInterval) {
      this.schedulerInterval = schedulerInterval;
      return this;
    }

    /** The configuration; host, storage and seal are required. */
    public ServerConfig build() {
      if (host == null || host.isBlank()) {
        throw new IllegalStateException("host is required: set it with host(\"127.0.0.1\")");
      }
      if (storage == null) {
        throw new IllegalStateException("storage is required: set it with storage(new StorageSettings(jdbcUrl, user, password))");
      }
      if (seal == null) {
        throw new IllegalStateException("seal is required: set it with seal(new SealSettings(\"shamir\", ...))");
      }
      return new ServerConfig(host, port, dataDir, storage, seal, tls, dev, devRootToken, cacheTtl,
          minimumDestroyWait, maxRequestBytes, eventLoops, jwksOverlap, usage, keyExportEnabled, schedulerInterval,
          minimumRotationPeriod, tokenMaxTtl, outboundPolicy);
    }
  }
}
