package dev.rekey.server.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.rekey.core.Durations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads a configuration file and refuses anything unclear or insecure, listing every problem
 * with what to do about it: unknown settings, missing data directory, a non-loopback address
 * without TLS (unless {@code tls.disable: true} says so explicitly), a missing seal type.
 * Secrets are only ever read from environment variables named in the file.
 */
public final class ConfigLoader {
  private final Map<String, String> env;

  public ConfigLoader(Map<String, String> env) {
    this.env = env;
  }

  public ConfigLoader() {
    this(ConfigFile.environment());
  }

  /** Thrown with every problem found, one per line. */
  public static final class InvalidConfigException extends RuntimeException {
    public InvalidConfigException(String message) {
      super(message, null, false, false);
    }
  }

  public ServerConfig load(Path file) {
    ConfigFile raw;
    try {
      ObjectMapper mapper = new ObjectMapper(new YAMLFactory())
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
      String text = Files.readString(file);
      if (text.isBlank()) {
        throw new InvalidConfigException("config " + file + " is empty; see docs/operations.md for the settings");
      }
      raw = mapper.readValue(text, ConfigFile.class);
    } catch (UnrecognizedPropertyException e) {
      throw new InvalidConfigException("config " + file + ": unknown setting '" + e.getPropertyName()
          + "'; known settings here: " + e.getKnownPropertyIds());
    } catch (IOException e) {
      throw new InvalidConfigException("config " + file + " cannot be read: " + e.getMessage());
    }
    if (raw == null) {
      throw new InvalidConfigException("config " + file + " is empty");
    }
    return validate(raw, file);
  }

  ServerConfig validate(ConfigFile raw, Path file) {
    List<String> problems = new ArrayList<>();
    String host = "127.0.0.1";
    int port = ServerConfig.DEFAULT_PORT;
    if (raw.listen() != null) {
      int colon = raw.listen().lastIndexOf(':');
      try {
        host = raw.listen().substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
          host = host.substring(1, host.length() - 1); // [::1]:8200, an IPv6 literal
        }
        port = Integer.parseInt(raw.listen().substring(colon + 1));
        if (port < 0 || port > 65535 || host.isEmpty()) {
          throw new NumberFormatException();
        }
      } catch (RuntimeException e) {
        problems.add("listen: use HOST:PORT, for example 127.0.0.1:8200");
      }
    }
    Path dataDir = null;
    if (raw.dataDir() == null) {
      problems.add("data_dir: set the directory where Rekey keeps its data");
    } else {
      dataDir = Path.of(raw.dataDir());
    }

    ServerConfig.StorageSettings storage = null;
    ConfigFile.Storage s = raw.storage();
    if (s == null || s.url() == null) {
      storage = dataDir == null ? null : new ServerConfig.StorageSettings(
          "jdbc:sqlite:" + dataDir.resolve("rekey.db"), null, null);
    } else if (!s.url().startsWith("jdbc:sqlite:") && !s.url().startsWith("jdbc:postgresql:")) {
      problems.add("storage.url: use jdbc:sqlite:FILE or jdbc:postgresql://HOST/DB");
    } else {
      String password = null;
      if (s.passwordEnv() != null) {
        password = env.get(s.passwordEnv());
        if (password == null) {
          problems.add("storage.password_env: environment variable " + s.passwordEnv() + " is not set");
        }
      }
      storage = new ServerConfig.StorageSettings(s.url(), s.user(), password);
    }

    ServerConfig.SealSettings seal = seal(raw.seal(), problems);
    ServerConfig.TlsSettings tls = null;
    ConfigFile.Tls t = raw.tls();
    boolean tlsDisabled = t != null && Boolean.TRUE.equals(t.disable());
    if (t != null && !tlsDisabled) {
      if (t.certFile() == null || t.keyFile() == null) {
        problems.add("tls: set cert_file and key_file (PEM), or disable: true to serve plain HTTP");
      } else {
        tls = new ServerConfig.TlsSettings(Path.of(t.certFile()), Path.of(t.keyFile()));
      }
    }
    boolean loopback = host.equals("127.0.0.1") || host.equals("localhost") || host.equals("::1");
    if (tls == null && !tlsDisabled && !loopback) {
      problems.add("tls: listening on " + host + " without TLS exposes tokens and plaintext; set tls.cert_file"
          + " and tls.key_file, or tls.disable: true if a proxy terminates TLS");
    }

    Duration cacheTtl = duration("cache_ttl", raw.cacheTtl(), Duration.ofSeconds(1), Duration.ZERO,
        Duration.ofMinutes(5), "PT1S", problems);
    int destroyDays = raw.minimumDestroyDays() == null ? 7 : raw.minimumDestroyDays();
    if (destroyDays < 1 || destroyDays > 365) {
      problems.add("minimum_destroy_days: between 1 and 365");
    }
    Duration jwksOverlap = duration("jwks_overlap", raw.jwksOverlap(), ServerConfig.DEFAULT_JWKS_OVERLAP, Duration.ZERO,
        null, "PT24H", problems);
    Duration flushInterval = duration("usage.flush_interval", raw.usage() == null ? null : raw.usage().flushInterval(),
        ServerConfig.UsageSettings.DEFAULTS.flushInterval(), Duration.ofMillis(100), Duration.ofHours(1), "PT10S",
        problems);
    boolean metricsOpen = raw.metrics() != null && Boolean.TRUE.equals(raw.metrics().unauthenticated());
    Duration schedulerInterval = duration("scheduler_interval", raw.schedulerInterval(),
        ServerConfig.DEFAULT_SCHEDULER_INTERVAL, Duration.ofMillis(10), Duration.ofHours(1), "PT1S", problems);
    Duration minimumRotationPeriod = duration("minimum_rotation_period", raw.minimumRotationPeriod(),
        ServerConfig.DEFAULT_MINIMUM_ROTATION_PERIOD, Duration.ofSeconds(1), Duration.ofDays(365), "PT1H", problems);
    Duration tokenMaxTtl = duration("token_max_ttl", raw.tokenMaxTtl(), null, Duration.ofMinutes(1),
        Duration.ofDays(36_500), "P32D", problems);
    int maxBytes = raw.maxRequestBytes() == null ? ServerConfig.DEFAULT_MAX_REQUEST_BYTES : raw.maxRequestBytes();
    if (maxBytes < 1024 || maxBytes > 64 * 1024 * 1024) {
      problems.add("max_request_bytes: between 1024 and 67108864");
    }
    int loops = raw.eventLoops() == null ? ServerConfig.defaultEventLoops() : raw.eventLoops();
    if (loops < 1 || loops > 256) {
      problems.add("event_loops: between 1 and 256");
    }
    dev.rekey.server.net.OutboundPolicy outbound = dev.rekey.server.net.OutboundPolicy.DEFAULT;
    if (raw.outboundDeny() != null) {
      try {
        outbound = dev.rekey.server.net.OutboundPolicy.of(raw.outboundDeny());
      } catch (IllegalArgumentException e) {
        problems.add("outbound_deny: " + e.getMessage() + "; give a list of addresses or ranges, [] to deny none");
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidConfigException("config " + file + " is not usable:\n  - " + String.join("\n  - ", problems));
    }
    return ServerConfig.builder().host(host).port(port).dataDir(dataDir).storage(storage).seal(seal).tls(tls)
        .cacheTtl(cacheTtl).minimumDestroyWait(Duration.ofDays(destroyDays)).maxRequestBytes(maxBytes)
        .eventLoops(loops).jwksOverlap(jwksOverlap).usage(new ServerConfig.UsageSettings(flushInterval, metricsOpen))
        .keyExportEnabled(raw.keyExport() != null && Boolean.TRUE.equals(raw.keyExport().enabled()))
        .schedulerInterval(schedulerInterval).minimumRotationPeriod(minimumRotationPeriod)
        .tokenMaxTtl(tokenMaxTtl).outboundPolicy(outbound).build();
  }

  /**
   * {@code text} as an ISO-8601 duration from {@code min} to {@code max} (null: no upper bound);
   * {@code fallback} when absent, or when unusable, with the problem noted under {@code field}.
   */
  private static Duration duration(String field, String text, Duration fallback, Duration min, Duration max,
      String example, List<String> problems) {
    if (text == null) {
      return fallback;
    }
    try {
      Duration d = Duration.parse(text);
      if (d.compareTo(min) >= 0 && (max == null || d.compareTo(max) <= 0)) {
        return d;
      }
      problems.add(field + ": " + (max == null ? "at least " + Durations.text(min)
          : "between " + Durations.text(min) + " and " + Durations.text(max))
          + ", such as " + example);
    } catch (DateTimeParseException e) {
      problems.add(field + ": an ISO-8601 duration such as " + example);
    }
    return fallback;
  }

  private ServerConfig.SealSettings seal(ConfigFile.Seal s, List<String> problems) {
    if (s == null || s.type() == null) {
      problems.add("seal.type: choose shamir (unseal with key shares), pkcs11 (an HSM) or file (development only)");
      return null;
    }
    switch (s.type()) {
      case "shamir":
        return new ServerConfig.SealSettings("shamir", null, null, null, null, null);
      case "file":
        if (s.file() == null) {
          problems.add("seal.file: the path of the root key file");
          return null;
        }
        return new ServerConfig.SealSettings("file", Path.of(s.file()), null, null, null, null);
      case "pkcs11":
        ConfigFile.Pkcs11 p = s.pkcs11();
        if (p == null || p.library() == null || p.keyLabel() == null || p.pinEnv() == null) {
          problems.add("seal.pkcs11: set library, key_label and pin_env (and slot_list_index, default 0)");
          return null;
        }
        String pin = env.get(p.pinEnv());
        if (pin == null) {
          problems.add("seal.pkcs11.pin_env: environment variable " + p.pinEnv() + " is not set");
        }
        return new ServerConfig.SealSettings("pkcs11", null, p.library(),
            p.slotListIndex() == null ? 0 : p.slotListIndex(), pin, p.keyLabel());
      default:
        problems.add("seal.type: '" + s.type() + "' is not one of shamir, pkcs11, file");
        return null;
    }
  }
}
