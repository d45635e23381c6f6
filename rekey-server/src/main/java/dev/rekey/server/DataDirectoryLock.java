package dev.rekey.server;

import dev.rekey.core.RekeyException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A server's exclusive hold on its data directory, for as long as the server runs: an OS file lock
 * ({@link FileChannel#tryLock()}) on {@code <data_dir>/rekey.lock} ({@link #FILE}). A second server on the
 * same directory is refused at start instead of reading the first one's name in {@code node-id} as
 * a finished start (and releasing its leases, see {@link NodeIdentity}) or writing the same SQLite
 * database as a second "single writer".
 *
 * <p>The lock belongs to the process: the OS drops it when the process ends, however it ends, so a
 * crash never leaves a stale lock and the file itself is never deleted (deleting it would let a
 * second server lock a new file of the same name). While held, the file holds the holder's process
 * id, only to name it in the refusal; it decides nothing.
 *
 * <p>On Linux these are POSIX record locks, which a process loses when it closes <em>any</em> file
 * descriptor of the file. So nothing else in the holding process may open the lock file, and a
 * second acquire within the same JVM is refused from memory ({@link #HELD}) without opening it,
 * also when it names the directory by another real path (renamed, or bind-mounted elsewhere): the
 * directory is known by its file key (device and inode). A lock that other code of this JVM holds
 * on the file is lost when an acquire finds it and closes its channel.
 */
final class DataDirectoryLock implements AutoCloseable {
  /** The lock file in the data directory. */
  static final String FILE = "rekey.lock";
  /** The directories locked by this JVM: their file keys (their real paths where there are none). */
  private static final Set<Object> HELD = ConcurrentHashMap.newKeySet();

  private final Path directory;
  private final Object key;
  private final FileChannel channel;
  private final FileLock lock;

  private DataDirectoryLock(Path directory, Object key, FileChannel channel, FileLock lock) {
    this.directory = directory;
    this.key = key;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Locks {@code dataDir}, creating it when missing. Throws ILLEGAL_STATE naming the directory
   * when another server (another process, or this one) holds it, or when it cannot be locked at all
   * (not writable, or a file system without locks): a server never runs on a data directory it does
   * not hold.
   */
  static DataDirectoryLock acquire(Path dataDir) {
    Path directory;
    Object key;
    try {
      directory = Files.createDirectories(dataDir).toRealPath();
      key = Files.readAttributes(directory, BasicFileAttributes.class).fileKey();
    } catch (IOException e) {
      throw cannotLock(dataDir, e);
    }
    if (key == null) {
      key = directory;
    }
    if (!HELD.add(key)) {
      throw inUse(directory, "by another server in this process");
    }
    FileChannel channel = null;
    boolean locked = false;
    try {
      channel = FileChannel.open(directory.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.READ,
          StandardOpenOption.WRITE);
      FileLock lock = tryLock(channel);
      if (lock == null) {
        String holder = holderPid(channel);
        throw inUse(directory, holder == null ? "by another server" : "by another server (process " + holder + ")");
      }
      DataDirectoryLock held = new DataDirectoryLock(directory, key, channel, lock);
      held.writePid();
      locked = true;
      return held;
    } catch (IOException e) {
      throw cannotLock(directory, e);
    } finally {
      if (!locked) {
        closeQuietly(channel);
        HELD.remove(key);
      }
    }
  }

  /** The locked directory (its real path). */
  Path directory() {
    return directory;
  }

  /** Lets the next server lock the directory; the file stays. Safe to call twice. */
  @Override
  public synchronized void close() {
    if (!channel.isOpen()) {
      return;
    }
    try {
      channel.truncate(0); // no pid while nobody holds it
    } catch (IOException e) {
      // a stale pid is harmless: it is read only while another process holds the lock
    }
    closeQuietly(channel); // releases the lock
    HELD.remove(key);
  }

  /** The lock, or null when another process holds it (another channel of this JVM counts as another holder). */
  private static FileLock tryLock(FileChannel channel) throws IOException {
    try {
      return channel.tryLock();
    } catch (OverlappingFileLockException e) {
      return null;
    }
  }

  private void writePid() throws IOException {
    channel.truncate(0);
    channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
  }

  /** The process id the holder wrote, or null when there is none yet (or the file holds something else). */
  private static String holderPid(FileChannel channel) {
    try {
      ByteBuffer buffer = ByteBuffer.allocate(24);
      channel.read(buffer, 0);
      String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).strip();
      return text.matches("[0-9]{1,19}") ? text : null;
    } catch (IOException e) {
      return null;
    }
  }

  private static RekeyException inUse(Path directory, String holder) {
    return RekeyException.illegalState("the data directory " + directory + " is in use " + holder
        + "; each server needs a data directory of its own (data_dir, --data-dir)");
  }

  private static RekeyException cannotLock(Path directory, IOException e) {
    return RekeyException.illegalState("cannot lock the data directory " + directory + " ("
        + e.getClass().getSimpleName() + ": " + e.getMessage() + "); a server runs only on a data directory it can create and write, on a file system with file locks");
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      if (channel != null) {
        channel.close();
      }
    } catch (IOException e) {
      // closing releases the lock; nothing more to do
    }
  }

  @Override
  public String toString() {
    return "DataDirectoryLock[" + directory + (lock.isValid() ? ", held" : ", released") + "]";
  }
}
