package dev.rekey.server.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
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

    Duration cacheTtl = Duration.ofSeconds(1);
    if (raw.cacheTtl() != null) {
      try {
        cacheTtl = Duration.parse(raw.cacheTtl());
        if (cacheTtl.isNegative() || cacheTtl.compareTo(Duration.ofMinutes(5)) > 0) {
          problems.add("cache_ttl: between PT0S and PT5M");
        }
      } catch (DateTimeParseException e) {
        problems.add("cache_ttl: an ISO-8601 duration such as PT1S");
      }
    }
    int destroyDays = raw.minimumDestroyDays() == null ? 7 : raw.minimumDestroyDays();
    if (destroyDays < 1 || destroyDays > 365) {
      problems.add("minimum_destroy_days: between 1 and 365");
    }
    Duration jwksOverlap = ServerConfig.DEFAULT_JWKS_OVERLAP;
    if (raw.jwksOverlap() != null) {
      try {
        jwksOverlap = Duration.parse(raw.jwksOverlap());
        if (jwksOverlap.isNegative()) {
          problems.add("jwks_overlap: a duration of zero or more, such as PT24H");
        }
      } catch (DateTimeParseException e) {
        problems.add("jwks_overlap: an ISO-8601 duration such as PT24H");
      }
    }
    Duration flushInterval = ServerConfig.UsageSettings.DEFAULTS.flushInterval();
    if (raw.usage() != null && raw.usage().flushInterval() != null) {
      try {
        flushInterval = Duration.parse(raw.usage().flushInterval());
        if (flushInterval.compareTo(Duration.ofMillis(100)) < 0 || flushInterval.compareTo(Duration.ofHours(1)) > 0) {
          problems.add("usage.flush_interval: between PT0.1S and PT1H");
          flushInterval = ServerConfig.UsageSettings.DEFAULTS.flushInterval();
        }
      } catch (DateTimeParseException e) {
        problems.add("usage.flush_interval: an ISO-8601 duration such as PT10S");
      }
    }
    boolean metricsOpen = raw.metrics() != null && Boolean.TRUE.equals(raw.metrics().unauthenticated());
    Duration schedulerInterval = ServerConfig.DEFAULT_SCHEDULER_INTERVAL;
    if (raw.schedulerInterval() != null) {
      try {
        schedulerInterval = Duration.parse(raw.schedulerInterval());
        if (schedulerInterval.compareTo(Duration.ofMillis(10)) < 0 || schedulerInterval.compareTo(Duration.ofHours(1)) > 0) {
          problems.add("scheduler_interval: between PT0.01S and PT1H");
        }
      } catch (DateTimeParseException e) {
        problems.add("scheduler_interval: an ISO-8601 duration such as PT1S");
      }
    }
    Duration minimumRotationPeriod = ServerConfig.DEFAULT_MINIMUM_ROTATION_PERIOD;
    if (raw.minimumRotationPeriod() != null) {
      try {
        minimumRotationPeriod = Duration.parse(raw.minimumRotationPeriod());
        if (minimumRotationPeriod.compareTo(Duration.ofSeconds(1)) < 0
            || minimumRotationPeriod.compareTo(Duration.ofDays(365)) > 0) {
          problems.add("minimum_rotation_period: between PT1S and P365D");
        }
      } catch (DateTimeParseException e) {
        problems.add("minimum_rotation_period: an ISO-8601 duration such as PT1H");
      }
    }
    Duration tokenMaxTtl = null;
    if (raw.tokenMaxTtl() != null) {
      try {
        tokenMaxTtl = Duration.parse(raw.tokenMaxTtl());
        if (tokenMaxTtl.compareTo(Duration.ofMinutes(1)) < 0 || tokenMaxTtl.compareTo(Duration.ofDays(36_500)) > 0) {
          problems.add("token_max_ttl: between PT1M and P36500D");
        }
      } catch (DateTimeParseException e) {
        problems.add("token_max_ttl: an ISO-8601 duration such as P32D");
      }
    }
    int maxBytes = raw.maxRequestBytes() == null ? ServerConfig.DEFAULT_MAX_REQUEST_BYTES : raw.maxRequestBytes();
    if (maxBytes < 1024 || maxBytes > 64 * 1024 * 1024) {
      problems.add("max_request_bytes: between 1024 and 67108864");
    }
    int loops = raw.eventLoops() == null ? ServerConfig.defaultEventLoops() : raw.eventLoops();
    if (loops < 1 || loops > 256) {
      problems.add("event_loops: between 1 and 256");
    }
    if (!problems.isEmpty()) {
      throw new InvalidConfigException("config " + file + " is not usable:\n  - " + String.join("\n  - ", problems));
    }
    return ServerConfig.builder().host(host).port(port).dataDir(dataDir).storage(storage).seal(seal).tls(tls)
        .cacheTtl(cacheTtl).minimumDestroyWait(Duration.ofDays(destroyDays)).maxRequestBytes(maxBytes)
        .eventLoops(loops).jwksOverlap(jwksOverlap).usage(new ServerConfig.UsageSettings(flushInterval, metricsOpen))
        .keyExportEnabled(raw.keyExport() != null && Boolean.TRUE.equals(raw.keyExport().enabled()))
        .schedulerInterval(schedulerInterval).minimumRotationPeriod(minimumRotationPeriod)
        .tokenMaxTtl(tokenMaxTtl).build();
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
