package dev.rekey.core.root;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.crypto.AesGcm;
import dev.rekey.core.crypto.Randomness;
import dev.rekey.core.crypto.SecretAccess;
import dev.rekey.core.crypto.SecretBytes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A seal whose AES-256 key sits in a local file, for development only: whoever can read the file
 * can open the keyring. The file holds one line, {@code rekey-file-seal-v1:<base64 key>}. It is
 * created when missing with permissions {@code 0600} (on POSIX file systems), and an existing file
 * that group or others may read is refused.
 */
public final class FileSeal implements Seal {
  public static final String TYPE = "file";
  private static final Logger LOG = LoggerFactory.getLogger(FileSeal.class);
  private static final String PREFIX = "rekey-file-seal-v1:";
  private static final int KEY_LENGTH = 32;
  private static final Set<PosixFilePermission> OWNER_ONLY =
      EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

  private final Path keyFile;
  private final SecretKey key;

  private FileSeal(Path keyFile, SecretKey key) {
    this.keyFile = keyFile;
    this.key = key;
  }

  /**
   * Reads the key file, creating it with a fresh random key when it does not exist. Throws
   * ILLEGAL_STATE when the file is readable by group or others, or is not a seal key file.
   */
  public static FileSeal open(Path keyFile) {
    Path path = keyFile.toAbsolutePath();
    LOG.warn("!!! The root keyring is sealed by a key in the plain file {}. This is for DEVELOPMENT only:"
        + " anyone who can read that file can read every key. Use the shamir or pkcs11 seal in production. !!!",
        path);
    try {
      if (!Files.exists(path)) {
        create(path);
      }
      checkPermissions(path);
      return new FileSeal(path, read(path));
    } catch (IOException e) {
      throw new RekeyException(ErrorCode.ILLEGAL_STATE, "cannot use the seal key file " + path + ": " + e, e);
    }
  }

  private static void create(Path path) throws IOException {
    Path dir = path.getParent();
    boolean posix = isPosix(dir != null ? dir : path.getFileSystem().getPath("."));
    if (dir != null && !Files.isDirectory(dir)) {
      if (posix) {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_EXECUTE)));
      } else {
        Files.createDirectories(dir);
      }
    }
    byte[] raw = Randomness.bytes(KEY_LENGTH);
    byte[] line = (PREFIX + Base64.getEncoder().encodeToString(raw) + "\n").getBytes(StandardCharsets.US_ASCII);
    Arrays.fill(raw, (byte) 0);
    FileAttribute<?>[] attrs = posix
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
        : new FileAttribute<?>[0];
    try {
      Files.createFile(path, attrs);
    } catch (FileAlreadyExistsException raced) {
      return; // another process created it first; use theirs
    }
    try {
      Files.write(path, line, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING,
          StandardOpenOption.SYNC);
    } finally {
      Arrays.fill(line, (byte) 0);
    }
    LOG.warn("Created a new development seal key file {}", path);
  }

  private static void checkPermissions(Path path) throws IOException {
    if (!isPosix(path)) {
      return;
    }
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(path);
    if (perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ)
        || perms.contains(PosixFilePermission.GROUP_WRITE) || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
      throw new RekeyException(ErrorCode.ILLEGAL_STATE, "the seal key file " + path
          + " is accessible by group or others (" + PosixFilePermissions.toString(perms)
          + "); restrict it to its owner with: chmod 600 " + path);
    }
  }

  private static SecretKey read(Path path) throws IOException {
    byte[] content = Files.readAllBytes(path);
    try {
      String text = new String(content, StandardCharsets.US_ASCII).strip();
      if (!text.startsWith(PREFIX)) {
        throw notAKeyFile(path);
      }
      byte[] raw;
      try {
        raw = Base64.getDecoder().decode(text.substring(PREFIX.length()));
      } catch (IllegalArgumentException e) {
        throw notAKeyFile(path);
      }
      if (raw.length != KEY_LENGTH) {
        Arrays.fill(raw, (byte) 0);
        throw notAKeyFile(path);
      }
      SecretKey k = new SecretKeySpec(raw, "AES");
      Arrays.fill(raw, (byte) 0);
      return k;
    } finally {
      Arrays.fill(content, (byte) 0);
    }
  }

  private static RekeyException notAKeyFile(Path path) {
    return new RekeyException(ErrorCode.ILLEGAL_STATE, "the seal key file " + path
        + " is not a Rekey seal key file (expected one line '" + PREFIX + "<base64 of 32 bytes>')");
  }

  private static boolean isPosix(Path path) {
    return path.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  public Path keyFile() {
    return keyFile;
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public boolean ready() {
    return true;
  }

  @Override
  public byte[] seal(SecretBytes plaintext, byte[] associatedData) {
    return AesGcm.encrypt(key, plaintext.reveal(SecretAccess.get()), associatedData);
  }

  @Override
  public SecretBytes open(byte[] sealed, byte[] associatedData) {
    return SecretBytes.wrap(AesGcm.decrypt(key, sealed, associatedData));
  }

  @Override
  public String toString() {
    return "FileSeal[" + keyFile + "]";
  }
}
