package dev.rekey.core.testing;

import dev.rekey.core.root.Pkcs11Config;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real SoftHSM2 token for PKCS#11 tests. The test JVM must have {@code SOFTHSM2_CONF} in its
 * environment (SoftHSM reads it from there), set in the surefire configuration:
 * {@code <environmentVariables><SOFTHSM2_CONF>${project.build.directory}/softhsm/softhsm2.conf</SOFTHSM2_CONF></environmentVariables>}.
 * The first call of {@link #config} in a JVM writes that file, empties the token directory next
 * to it and initializes one token (label {@value #TOKEN_LABEL}, PIN {@value #PIN}) in slot list
 * index 0, before any PKCS#11 module is loaded.
 *
 * <p>When SoftHSM2 is missing the tests FAIL with instructions (run {@code scripts/test-deps.sh}); they
 * never skip, so CI always runs them.
 */
public final class SoftHsm {
  public static final Path LIBRARY = Path.of("/usr/lib/softhsm/libsofthsm2.so");
  public static final String TOKEN_LABEL = "rekey";
  public static final String PIN = "1234";
  public static final String SO_PIN = "5678";
  private static boolean ready;

  private SoftHsm() {}

  /** A seal configuration for the test token with a key label of its own. */
  public static Pkcs11Config config(String keyLabel) {
    ensureToken();
    return Pkcs11Config.builder()
        .library(LIBRARY)
        .slotListIndex(0)
        .pin(PIN.toCharArray())
        .keyLabel(keyLabel)
        .build();
  }

  /** A label no other test uses, so tests sharing the token do not see each other's keys. */
  public static String uniqueLabel() {
    return "test-" + HexFormat.of().formatHex(longBytes(ThreadLocalRandom.current().nextLong()));
  }

  /** Creates the configuration and a fresh token once per JVM. Throws AssertionError saying what is missing. */
  public static synchronized void ensureToken() {
    if (ready) {
      return;
    }
    if (!Files.isRegularFile(LIBRARY)) {
      throw new AssertionError("SoftHSM2 is not installed: " + LIBRARY + " is missing. Run scripts/test-deps.sh"
          + " (or apt-get install softhsm2). The PKCS#11 tests need it and never skip.");
    }
    String conf = System.getenv("SOFTHSM2_CONF");
    if (conf == null || conf.isBlank()) {
      throw new AssertionError("SOFTHSM2_CONF is not set in the test JVM's environment. Add to the module's"
          + " maven-surefire-plugin configuration: <environmentVariables><SOFTHSM2_CONF>"
          + "${project.build.directory}/softhsm/softhsm2.conf</SOFTHSM2_CONF></environmentVariables>");
    }
    try {
      Path confFile = Path.of(conf).toAbsolutePath();
      Path tokens = confFile.resolveSibling("tokens");
      deleteRecursively(tokens);
      Files.createDirectories(tokens);
      Files.writeString(confFile, "directories.tokendir = " + tokens + "\n"
          + "objectstore.backend = file\n"
          + "log.level = ERROR\n"
          + "slots.removable = false\n", StandardCharsets.UTF_8);
      run(List.of(util(), "--init-token", "--free", "--label", TOKEN_LABEL, "--pin", PIN, "--so-pin", SO_PIN));
      ready = true;
    } catch (IOException e) {
      throw new AssertionError("cannot prepare the SoftHSM2 token directory: " + e, e);
    }
  }

  private static String util() {
    for (String dir : List.of("/usr/bin", "/usr/local/bin", "/usr/sbin")) {
      Path p = Path.of(dir, "softhsm2-util");
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    return "softhsm2-util";
  }

  private static void run(List<String> command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("softhsm2-util did not finish within 60 s");
      }
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new AssertionError("softhsm2-util --init-token failed (exit " + p.exitValue() + "): " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while initializing the SoftHSM2 token", e);
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static byte[] longBytes(long v) {
    byte[] b = new byte[8];
    for (int i = 0; i < 8; i++) {
      b[i] = (byte) (v >>> (8 * i));
    }
    return b;
  }
}
