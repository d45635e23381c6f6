package dev.rekey.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The {@code ./rekey} launcher script, run from a copy whose distribution is marked built and whose
 * "java" ($JAVA_HOME/bin/java) is a stub printing the locale it was started with.
 */
class LauncherTest {
  @TempDir Path root;

  private String launch(Map<String, String> env) throws IOException, InterruptedException {
    Files.copy(Path.of("..", "rekey"), root.resolve("rekey"));
    Files.createDirectories(root.resolve("rekey-app/target/dist/lib"));
    Files.createFile(root.resolve("rekey-app/target/dist/.built"));
    Path bin = Files.createDirectories(root.resolve("jdk/bin"));
    Path java = bin.resolve("java");
    Files.writeString(java, "#!/bin/sh\necho \"LC_ALL=${LC_ALL:-} LC_CTYPE=${LC_CTYPE:-} LANG=${LANG:-}\"\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    ProcessBuilder builder = new ProcessBuilder(List.of("bash", root.resolve("rekey").toString(), "key", "list"))
        .redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith("LC_") || k.equals("LANG"));
    builder.environment().put("JAVA_HOME", root.resolve("jdk").toString());
    builder.environment().putAll(env);
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(out).isZero();
    return out.lines().filter(l -> l.startsWith("LC_ALL=")).reduce((a, b) -> b).orElse(out);
  }

  /**
   * Under the C/POSIX locale the JVM decodes arguments as ASCII: {@code --value 'héllo'} would be
   * stored as "h\uFFFD\uFFFDllo". The launcher runs Java in C.UTF-8 then; other locales are kept.
   */
  @ParameterizedTest
  @CsvSource({
      "LC_ALL, C, C.UTF-8",
      "LC_ALL, POSIX, C.UTF-8",
      "LANG, C, C.UTF-8",
      "LC_CTYPE, POSIX, C.UTF-8",
      "NONE, -, C.UTF-8",
      "LANG, de_DE.ISO-8859-1, ''",
      "LC_ALL, en_US.UTF-8, en_US.UTF-8"})
  void asciiLocale_javaRunsInUtf8_otherLocalesKept(String variable, String value, String expectedLcAll)
      throws IOException, InterruptedException {
    String line = launch(variable.equals("NONE") ? Map.of() : Map.of(variable, value));

    assertThat(line).startsWith("LC_ALL=" + expectedLcAll + " ");
  }

  /**
   * Class-data sharing: only the run holding the archive's lock may write it (two JVMs ending
   * together once wrote one archive at the same time, and every later start crashed on it). The
   * stub "java" reports its CDS options and whether the lock is still held while it runs.
   */
  @org.junit.jupiter.api.Test
  void cdsArchive_writtenOnlyByTheRunHoldingItsLock_othersMapItReadOnly() throws Exception {
    // flock(1) (util-linux, on every Debian) is required here: without it this test must fail, not skip
    assertThat(new ProcessBuilder("flock", "--version").start().waitFor()).as("flock(1) installed").isZero();
    prepareDistribution("""
        #!/bin/sh
        if [ "$1" = "-XshowSettings:properties" ]; then echo "    java.specification.version = 25" >&2; exit 0; fi
        for a in "$@"; do
          case "$a" in
            -XX:+AutoCreateSharedArchive) echo "writes-archive" ;;
            -XX:SharedArchiveFile=*) f="${a#-XX:SharedArchiveFile=}"; echo "archive=$f"
              if flock -n "$f.lock" true; then echo "lock=free"; else echo "lock=held"; fi ;;
          esac
        done
        """);

    String first = run("server", "--help");
    assertThat(first).contains("writes-archive", "lock=held");
    String archive = first.lines().filter(l -> l.startsWith("archive=")).findFirst().orElseThrow().substring(8);
    assertThat(archive).contains("/cds-server-25-").endsWith(".jsa");

    Process holder = new ProcessBuilder("flock", "--close", archive + ".lock", "sleep", "60").start();
    try {
      waitUntilLocked(archive + ".lock");
      assertThat(run("server", "--help")).doesNotContain("writes-archive").doesNotContain("archive=");
      Files.write(Path.of(archive), new byte[] {(byte) 0xa8, (byte) 0xab, (byte) 0x0b, (byte) 0xf0});
      assertThat(run("server", "--help")).doesNotContain("writes-archive").contains("archive=" + archive);
    } finally {
      holder.destroy();
      holder.waitFor(10, TimeUnit.SECONDS);
    }
    Path dist = Path.of(archive).getParent();
    Path older = Files.write(dist.resolve("cds-server-25-1.jsa"), new byte[] {1});
    Path olderLock = Files.write(dist.resolve("cds-server-25-1.jsa.lock"), new byte[0]);
    assertThat(run("server", "--help")).contains("writes-archive");
    // an archive of other jars or options goes; its lock file stays (a run may still hold it)
    assertThat(older).doesNotExist();
    assertThat(olderLock).exists();
  }

  private void prepareDistribution(String javaStub) throws IOException {
    Files.copy(Path.of("..", "rekey"), root.resolve("rekey"));
    Files.createFile(Files.createDirectories(root.resolve("rekey-app/target/dist/lib")).resolve("rekey.jar"));
    Files.createFile(root.resolve("rekey-app/target/dist/.built"));
    Path java = Files.createDirectories(root.resolve("jdk/bin")).resolve("java");
    Files.writeString(java, javaStub);
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private String run(String... args) throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>(List.of("bash", root.resolve("rekey").toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("JAVA_HOME", root.resolve("jdk").toString());
    builder.environment().remove("REKEY_JAVA_OPTS");
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(out).isZero();
    return out;
  }

  private static void waitUntilLocked(String lockFile) throws IOException, InterruptedException {
    for (int i = 0; i < 200; i++) {
      if (new ProcessBuilder("flock", "-n", lockFile, "true").start().waitFor() != 0) {
        return;
      }
      Thread.sleep(25);
    }
    throw new AssertionError("the lock holder did not take " + lockFile);
  }
}
