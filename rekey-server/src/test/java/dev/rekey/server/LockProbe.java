package dev.rekey.server;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Whether a lock file is held, asked from another process: a lock is per process, and the holding
 * process itself must not open the file to check (on Linux that would drop its lock).
 */
final class LockProbe {
  private static final int FREE = 0;
  private static final int HELD = 3;

  private LockProbe() {}

  /** What another process finds: whether an OS lock on the file is held, and then the file's content. */
  record Seen(boolean held, String content) {}

  /** True when another process (this test JVM, say) holds an OS lock on {@code file}. */
  static boolean heldByAnotherProcess(Path file) throws Exception {
    return seenFromAnotherProcess(file).held();
  }

  /** Whether another process finds {@code file} locked, and its content then. */
  static Seen seenFromAnotherProcess(Path file) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process probe = new ProcessBuilder(List.of(java, "-XX:TieredStopAtLevel=1", "-cp",
        System.getProperty("java.class.path"), LockProbe.class.getName(), file.toString()))
        .redirectErrorStream(true).start();
    try {
      if (!probe.waitFor(60, TimeUnit.SECONDS)) {
        throw new AssertionError("the lock probe did not finish");
      }
      String output = new String(probe.getInputStream().readAllBytes());
      return switch (probe.exitValue()) {
        case FREE -> new Seen(false, "");
        case HELD -> new Seen(true, output);
        default -> throw new AssertionError("the lock probe failed: " + output);
      };
    } finally {
      probe.destroyForcibly();
    }
  }

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    if (!Files.exists(file)) {
      System.exit(FREE);
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock()) {
      if (lock == null) {
        System.out.print(Files.readString(file));
        System.out.flush();
        System.exit(HELD);
      }
      System.exit(FREE);
    }
  }
}
