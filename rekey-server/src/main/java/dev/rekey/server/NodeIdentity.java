package dev.rekey.server;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This server process's name in leases (the rotation scheduler's and the secret rotations'): its
 * host name and a random part drawn at every start, like {@code rekey-0/3f9a1c07b2e4}. Two
 * processes never share one, even with the same host name and data directory path (containers), so
 * none takes another's lease for its own.
 *
 * <p>The data directory keeps the name of the last start ({@link #FILE}): the next start on it
 * reads that as {@link #previous()}, whose leases can only be left over from a process that is
 * gone (one server per data directory), and releases them at once instead of waiting for them to
 * expire (see SecretRotationService.recover).
 *
 * @param id this process's name
 * @param previous the name of the previous start on the same data directory, if it recorded one
 */
record NodeIdentity(String id, Optional<String> previous) {
  /** The file in the data directory holding the name of the last start. */
  static final String FILE = "node-id";
  private static final Logger LOG = LoggerFactory.getLogger(NodeIdentity.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * A new name for a process starting on {@code dataDir} (null: none, so no previous start is
   * known), recorded there for the next start. A data directory that cannot be read or written
   * costs only the quick release of a crashed start's leases: they expire instead.
   */
  static NodeIdentity start(Path dataDir) {
    return start(dataDir, hostName() + "/" + HexFormat.of().formatHex(randomBytes()));
  }

  /** As above, named {@code id}. */
  static NodeIdentity start(Path dataDir, String id) {
    if (dataDir == null) {
      return new NodeIdentity(id, Optional.empty());
    }
    Path file = dataDir.resolve(FILE);
    Optional<String> previous = Optional.empty();
    Path written = null;
    try {
      if (Files.isRegularFile(file)) {
        previous = Optional.of(Files.readString(file, StandardCharsets.UTF_8).strip()).filter(p -> !p.isEmpty());
      }
      written = Files.createTempFile(dataDir, FILE, ".tmp");
      Files.writeString(written, id + "\n", StandardCharsets.UTF_8);
      Files.move(written, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      deleteQuietly(written);
      LOG.warn("Cannot record this node's name in {} ({}): leases left by a crash expire instead of being"
          + " released at the next start", file, e.toString());
    }
    return new NodeIdentity(id, previous);
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
