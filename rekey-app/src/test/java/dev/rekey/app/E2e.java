package dev.rekey.app;

import dev.rekey.cli.RekeyCli;
import dev.rekey.client.RekeyClient;
import dev.rekey.server.RekeyServer;
import dev.rekey.server.config.ServerConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/** Shared helpers of the end-to-end tests: servers, SDK clients, the CLI with captured streams, polling. */
final class E2e {
  static final String ROOT_TOKEN = "e2e-root-token";

  private E2e() {}

  /** A dev server (SQLite, file seal, initialized and unsealed) on a free port. */
  static RekeyServer devServer(Path dataDir) {
    return RekeyServer.start(ServerConfig.dev("127.0.0.1", 0, dataDir, ROOT_TOKEN));
  }

  /** A production-mode server (not dev) on a free port with the given storage and seal. */
  static ServerConfig config(Path dataDir, ServerConfig.StorageSettings storage, ServerConfig.SealSettings seal,
      Duration cacheTtl) {
    return ServerConfig.builder().host("127.0.0.1").port(0).dataDir(dataDir).storage(storage).seal(seal)
        .cacheTtl(cacheTtl).eventLoops(2).build();
  }

  static ServerConfig.StorageSettings sqlite(Path dataDir) {
    return new ServerConfig.StorageSettings("jdbc:sqlite:" + dataDir.resolve("rekey.db"), null, null);
  }

  static RekeyClient client(RekeyServer server, String token) {
    return RekeyClient.builder().address(server.url()).token(token).timeout(Duration.ofSeconds(30)).build();
  }

  static RekeyClient client(String url, String token) {
    return RekeyClient.builder().address(url).token(token).timeout(Duration.ofSeconds(30)).build();
  }

  /** The result of one in-process {@code rekey} run. */
  record Run(int exit, byte[] stdout, String err) {
    String out() {
      return new String(stdout, StandardCharsets.UTF_8);
    }

    /** The first line of stdout, trimmed. */
    String line() {
      return out().lines().findFirst().orElse("").trim();
    }

    @Override
    public String toString() {
      return "exit=" + exit + "\nstdout=" + out() + "\nstderr=" + err;
    }
  }

  /** Runs the CLI against {@code url} with {@code token} (null: none), feeding {@code stdin}. */
  static Run cli(String url, String token, String stdin, String... args) {
    List<String> all = new ArrayList<>();
    all.add("--address");
    all.add(url);
    if (token != null) {
      all.add("--token");
      all.add(token);
    }
    all.addAll(List.of(args));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
    byte[] in = stdin == null ? new byte[0] : stdin.getBytes(StandardCharsets.UTF_8);
    int exit = RekeyCli.newCommandLine(new ByteArrayInputStream(in), outStream, errStream)
        .execute(all.toArray(String[]::new));
    outStream.flush();
    errStream.flush();
    return new Run(exit, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
  }

  /** Polls {@code condition} every 20 ms until it holds; fails after {@code deadline}. No timing is asserted. */
  static void await(String what, Duration deadline, BooleanSupplier condition) {
    long end = System.nanoTime() + deadline.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("gave up waiting (" + deadline + ") for: " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for: " + what, e);
      }
    }
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new AssertionError("no free port", e);
    }
  }

  /**
   * A dev server as its own JVM (so that a test can kill it with SIGKILL) on {@code port}, logging
   * to {@code log}, with extra JVM options; returns once it answers health.
   */
  static Process startServerProcess(Path data, int port, Path log, String... jvmOptions) throws java.io.IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java));
    command.addAll(List.of(jvmOptions));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.rekey.app.Main", "server", "--dev",
        "--data-dir", data.toString(), "--dev-root-token", ROOT_TOKEN, "--address", "127.0.0.1:" + port));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    RekeyClient client = client("http://127.0.0.1:" + port, ROOT_TOKEN);
    await("the server process answers health (log: " + log + ")", Duration.ofSeconds(60), () -> {
      if (!process.isAlive()) {
        throw new AssertionError("the server process died; log:\n" + readLog(log));
      }
      try {
        return "ok".equals(client.health().status());
      } catch (RuntimeException e) {
        return false;
      }
    });
    return process;
  }

  static String readLog(Path log) {
    try {
      return java.nio.file.Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }
}
