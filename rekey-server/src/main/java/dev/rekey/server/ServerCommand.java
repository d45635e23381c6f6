package dev.rekey.server;

import dev.rekey.core.crypto.NativeCrypto;
import dev.rekey.server.config.ConfigLoader;
import dev.rekey.server.config.ServerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code rekey server}: runs the server until interrupted. */
@Command(name = "server", mixinStandardHelpOptions = true,
    description = {"Run the Rekey server.",
        "With --dev: SQLite and a generated root key file in a data directory (a temporary one unless"
            + " --data-dir is given), initialized, unsealed, and a root token printed. Never for production.",
        "Without --dev: reads --config FILE (or $REKEY_CONFIG) and refuses an unclear or insecure configuration."})
public final class ServerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--dev", description = "Development mode (see above).")
  boolean dev;

  @Option(names = "--config", paramLabel = "FILE", description = "Configuration file (YAML or JSON).")
  Path config;

  @Option(names = "--address", paramLabel = "HOST:PORT", description = "Listen address (default 127.0.0.1:8200).")
  String address;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory.")
  Path dataDir;

  @Option(names = "--dev-root-token", paramLabel = "TOKEN", description = "Dev mode: use this root token.")
  String devRootToken;

  @Option(names = "--dev-allow-key-export", description = "Dev mode: allow exporting keys created as exportable"
      + " (a config file sets key_export.enabled instead).")
  boolean devAllowKeyExport;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    ServerConfig cfg;
    try {
      cfg = configure();
    } catch (ConfigLoader.InvalidConfigException | IllegalArgumentException e) {
      err.println("Error: " + e.getMessage());
      return 2;
    }
    RekeyServer server;
    try {
      server = RekeyServer.start(cfg);
    } catch (dev.rekey.core.RekeyException e) {
      err.println("Error: " + e.getMessage());
      return 2;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "rekey-shutdown"));
    PrintWriter out = spec.commandLine().getOut();
    out.println(server.banner());
    out.flush();
    stopped.await();
    return 0;
  }

  private ServerConfig configure() throws IOException {
    NativeCrypto.checkSetting(); // an unknown REKEY_NATIVE_CRYPTO is refused before anything starts
    String[] hostPort = address == null ? null : parseAddress(address);
    if (dev) {
      if (config != null) {
        throw new IllegalArgumentException("--dev and --config exclude each other");
      }
      if (devRootToken != null && devRootToken.length() < 8) {
        throw new IllegalArgumentException("--dev-root-token must have at least 8 characters");
      }
      // created, or refused with one line, when the server locks it (DataDirectoryLock)
      Path dir = dataDir != null ? dataDir : Files.createTempDirectory("rekey-dev-");
      return ServerConfig.dev(hostPort == null ? "127.0.0.1" : hostPort[0],
          hostPort == null ? ServerConfig.DEFAULT_PORT : Integer.parseInt(hostPort[1]), dir, devRootToken)
          .withKeyExport(devAllowKeyExport);
    }
    if (devAllowKeyExport) {
      throw new IllegalArgumentException("--dev-allow-key-export is only for --dev; set key_export.enabled in the"
          + " configuration file");
    }
    if (devRootToken != null) {
      throw new IllegalArgumentException("--dev-root-token is only for --dev; a real server is initialized with"
          + " 'rekey operator init'");
    }
    Path file = config != null ? config : envPath("REKEY_CONFIG");
    if (file == null) {
      throw new IllegalArgumentException("give --config FILE (or set REKEY_CONFIG), or run with --dev for development");
    }
    ServerConfig cfg = new ConfigLoader().load(file);
    if (hostPort != null) {
      cfg = cfg.toBuilder().host(hostPort[0]).port(Integer.parseInt(hostPort[1])).build();
    }
    return cfg;
  }

  private static Path envPath(String name) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? null : Path.of(v);
  }

  static String[] parseAddress(String address) {
    int colon = address.lastIndexOf(':');
    if (colon <= 0 || colon == address.length() - 1) {
      throw new IllegalArgumentException("--address must be HOST:PORT, for example 127.0.0.1:8200");
    }
    String port = address.substring(colon + 1);
    try {
      int p = Integer.parseInt(port);
      if (p < 0 || p > 65535) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--address: the port must be a number from 0 to 65535");
    }
    return new String[] {address.substring(0, colon), port};
  }
}
