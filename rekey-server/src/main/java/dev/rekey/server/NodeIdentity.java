package dev.rekey.server;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This server process's name in leases (the rotation scheduler's and the secret rotations'): its
 * host name and a random part drawn at every start, like {@code rekey-0/3f9a1c07b2e4}. Two
 * processes never share one, even with the same host name and data directory path (containers), so
 * none takes another's lease for its own.
 *
 * <p>The data directory keeps, one a line ({@link #FILE}), the names of the starts whose secret
 * rotation leases were not released yet: those of earlier starts, then this one's. The next start
 * on it reads them as {@link #previous()}, whose leases can only be left over from processes that
 * are gone, and releases them at once, when first unsealed, instead of waiting for them to expire
 * ({@link #releasePrevious}); only then are they dropped from the file. So a start that ends
 * before it could release them (sealed, or failing later) passes them on to the next. The file
 * keeps at most {@link #REMEMBERED} names; older ones' leases expire.
 *
 * <p>That those processes are gone is what the server's {@link DataDirectoryLock} ensures: it holds
 * the directory from before this reads the file until the server stops, so no other live server
 * can have written a name there. Start this only on a directory so held (or with none).
 *
 * @param id this process's name
 * @param previous the names of earlier starts on the same data directory not known to be released, oldest first
 * @param file where the names are kept (null: nowhere)
 */
record NodeIdentity(String id, List<String> previous, Path file) {
  /** The file in the data directory holding the names of the starts not yet released. */
  static final String FILE = "node-id";
  /** The most names the file keeps, this start's included: a start that never releases adds one. */
  static final int REMEMBERED = 16;
  private static final Logger LOG = LoggerFactory.getLogger(NodeIdentity.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  NodeIdentity {
    previous = List.copyOf(previous);
  }

  /**
   * A new name for a process starting on {@code dataDir} (null: none, so no previous start is
   * known), recorded there for the next start. The caller holds {@code dataDir}'s
   * {@link DataDirectoryLock}. A data directory that cannot be read or written
   * costs only the quick release of a crashed start's leases: they expire instead.
   */
  static NodeIdentity start(Path dataDir) {
    return start(dataDir, hostName() + "/" + HexFormat.of().formatHex(randomBytes()));
  }

  /** As above, named {@code id}. */
  static NodeIdentity start(Path dataDir, String id) {
    if (dataDir == null) {
      return new NodeIdentity(id, List.of(), null);
    }
    Path file = dataDir.resolve(FILE);
    List<String> previous = List.of();
    try {
      previous = read(file);
      if (previous.size() >= REMEMBERED) {
        previous = previous.subList(previous.size() - (REMEMBERED - 1), previous.size());
      }
      List<String> names = new ArrayList<>(previous);
      names.add(id);
      write(file, names);
    } catch (IOException | RuntimeException e) {
      LOG.warn("Cannot record this node's name in {} ({}): leases left by a crash expire instead of being"
          + " released at the next start", file, e.toString());
      return new NodeIdentity(id, previous, null);
    }
    return new NodeIdentity(id, previous, file);
  }

  /**
   * Releases the leases of {@link #previous()} with {@code releaseAll} (a name's leases released,
   * how many), then drops the released names from the file, keeping this start's; returns how many
   * leases were released. A name whose release fails stays in the file for the next call or start;
   * the others are still released, and the first failure is thrown after them.
   */
  int releasePrevious(ToIntFunction<String> releaseAll) {
    int released = 0;
    List<String> done = new ArrayList<>();
    RuntimeException failure = null;
    for (String name : previous) {
      try {
        released += releaseAll.applyAsInt(name);
        done.add(name);
      } catch (RuntimeException e) { // the others are still released; this one is tried again
        failure = failure == null ? e : failure;
      }
    }
    forget(done);
    if (failure != null) {
      throw failure;
    }
    return released;
  }

  /** Drops {@code released} from the file, keeping this start's name. */
  private void forget(List<String> released) {
    if (file != null && !released.isEmpty()) {
      try {
        List<String> names = new ArrayList<>(read(file));
        names.removeAll(released);
        if (!names.contains(id)) {
          names.add(id);
        }
        write(file, names);
      } catch (IOException | RuntimeException e) {
        LOG.warn("Cannot update {} ({}): the next start releases the same names again", file, e.toString());
      }
    }
  }

  /**
   * The names in {@code file}: lines that can be node names (printable, at most 300 characters).
   * Anything else (a file a crash left empty or filled with NULs before its data reached the disk,
   * an edit, bytes that are not UTF-8) is skipped, and the next write replaces it.
   */
  private static List<String> read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      return List.of();
    }
    String text = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(java.nio.charset.CodingErrorAction.REPLACE)
        .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPLACE)
        .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
    List<String> names = new ArrayList<>();
    for (String line : text.split("\n")) {
      String name = line.strip();
      if (plausible(name) && !names.contains(name)) {
        names.add(name);
      }
    }
    return names;
  }

  private static boolean plausible(String name) {
    return !name.isEmpty() && name.length() <= 300
        && name.chars().allMatch(c -> c > 0x20 && c < 0x7f || c > 0xa0 && c != 0xfffd);
  }

  /** Replaces {@code file} with {@code names}, one a line, atomically. */
  private static void write(Path file, List<String> names) throws IOException {
    Path written = null;
    try {
      written = Files.createTempFile(file.getParent(), FILE, ".tmp");
      byte[] bytes = (names.isEmpty() ? "" : String.join("\n", names) + "\n").getBytes(StandardCharsets.UTF_8);
      try (java.nio.channels.FileChannel out = java.nio.channels.FileChannel.open(written,
          java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING)) {
        out.write(java.nio.ByteBuffer.wrap(bytes));
        out.force(true); // on disk before it replaces the old file: a crash leaves one or the other
      }
      Files.move(written, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      written = null;
    } finally {
      deleteQuietly(written);
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      if (file != null) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      // a leftover temporary file is harmless
    }
  }

  private static byte[] randomBytes() {
    byte[] bytes = new byte[6];
    RANDOM.nextBytes(bytes);
    return bytes;
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown-host";
    }
  }
}
