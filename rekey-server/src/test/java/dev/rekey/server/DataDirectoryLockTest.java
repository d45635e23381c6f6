package dev.rekey.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.server.config.ServerConfig;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryLockTest {
  @TempDir Path dir;

  @Test
  void secondAcquire_isRefusedNamingTheDirectory_untilTheFirstIsClosed() throws Exception {
    try (DataDirectoryLock first = DataDirectoryLock.acquire(dir)) {
      assertThat(first.directory()).isEqualTo(dir.toRealPath());
      // asked from another process: opening the file here would drop this process's lock (POSIX locks)
      LockProbe.Seen seen = LockProbe.seenFromAnotherProcess(dir.resolve(DataDirectoryLock.FILE));
      assertThat(seen.held()).as("another process finds the lock held").isTrue();
      assertThat(seen.content()).contains(ProcessHandle.current().pid() + "\n");

      assertThatThrownBy(() -> DataDirectoryLock.acquire(dir))
          .isInstanceOf(RekeyException.class).hasMessageContaining(dir.toRealPath().toString())
          .hasMessageContaining("in use by another server in this process");
      // the same directory by another name
      Path alias = Files.createSymbolicLink(dir.resolve("alias"), dir);
      assertThatThrownBy(() -> DataDirectoryLock.acquire(alias))
          .isInstanceOf(RekeyException.class).hasMessageContaining("in use");
      assertThat(first.toString()).contains("held");
      assertThat(LockProbe.heldByAnotherProcess(dir.resolve(DataDirectoryLock.FILE)))
          .as("the refused acquires left the lock held").isTrue();
    }
    Path file = dir.resolve(DataDirectoryLock.FILE);
    assertThat(LockProbe.heldByAnotherProcess(file)).as("released on close").isFalse();
    assertThat(file).as("the file stays, without a pid").exists().isEmptyFile();
    try (DataDirectoryLock again = DataDirectoryLock.acquire(dir)) {
      assertThat(again.directory()).isEqualTo(dir.toRealPath());
    }
  }

  @Test
  void theSameDirectoryUnderAnotherRealPath_isRefusedFromMemory_andKeepsItsLock() throws Exception {
    // a data directory renamed (or bind-mounted elsewhere) while held: another real path, the same directory
    Path before = Files.createDirectories(dir.resolve("before"));
    Path after = dir.resolve("after");
    try (DataDirectoryLock first = DataDirectoryLock.acquire(before)) {
      Files.move(before, after);

      assertThatThrownBy(() -> DataDirectoryLock.acquire(after))
          .isInstanceOf(RekeyException.class).hasMessageContaining("in use by another server in this process");
      assertThat(LockProbe.heldByAnotherProcess(after.resolve(DataDirectoryLock.FILE)))
          .as("the refused acquire left the first one's lock held").isTrue();
    }
    DataDirectoryLock.acquire(after).close();
  }

  @Test
  void close_twice_isHarmless_andLetsTheNextAcquireIn() {
    DataDirectoryLock lock = DataDirectoryLock.acquire(dir);
    lock.close();
    lock.close();
    DataDirectoryLock.acquire(dir).close();
  }

  @Test
  void aLockTakenByOtherCodeOfThisJvm_countsAsInUse() throws Exception {
    // FileChannel.tryLock throws OverlappingFileLockException for a lock of another channel of the JVM
    try (FileChannel other = FileChannel.open(dir.resolve(DataDirectoryLock.FILE), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE); FileLock held = other.lock()) {
      assertThatThrownBy(() -> DataDirectoryLock.acquire(dir))
          .isInstanceOf(RekeyException.class).hasMessageContaining("is in use by another server;");
    }
  }

  @Test
  void aMissingDirectory_isCreated() throws Exception {
    Path missing = dir.resolve("a/b");
    try (DataDirectoryLock lock = DataDirectoryLock.acquire(missing)) {
      assertThat(missing.resolve(DataDirectoryLock.FILE)).exists();
    }
  }

  @Test
  void aDirectoryThatCannotBeLocked_isRefused() throws Exception {
    Path notADirectory = Files.writeString(dir.resolve("file"), "x");
    assertThatThrownBy(() -> DataDirectoryLock.acquire(notADirectory))
        .isInstanceOfSatisfying(RekeyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ILLEGAL_STATE))
        .hasMessageStartingWith("cannot lock the data directory " + notADirectory);
    // and the failure held nothing: the parent can still be locked
    DataDirectoryLock.acquire(dir).close();
  }

  @Test
  void devServerCommand_onADataDirectoryThatIsAFile_exits2WithOneLine() throws Exception {
    Path notADirectory = Files.writeString(dir.resolve("file"), "x");
    java.io.StringWriter err = new java.io.StringWriter();
    int exit = new picocli.CommandLine(new ServerCommand()).setErr(new java.io.PrintWriter(err, true))
        .execute("--dev", "--data-dir", notADirectory.toString(), "--address", "127.0.0.1:0");

    assertThat(exit).as(err.toString()).isEqualTo(2);
    assertThat(err.toString()).startsWith("Error: cannot lock the data directory " + notADirectory)
        .doesNotContain("\tat ").hasLineCount(1);
    assertThat(notADirectory).hasContent("x");
  }

  @Test
  void aSecondServerOnTheDataDirectory_isRefusedBeforeItTouchesIt_andTheFirstRunsOn() throws Exception {
    try (TestServer first = TestServer.dev(dir)) {
      String nodeIds = Files.readString(dir.resolve(NodeIdentity.FILE));

      assertThatThrownBy(() -> RekeyServer.start(ServerConfig.dev("127.0.0.1", 0, dir, TestServer.ROOT)))
          .isInstanceOf(RekeyException.class).hasMessageContaining("data directory " + dir.toRealPath() + " is in use");

      assertThat(dir.resolve(NodeIdentity.FILE)).as("the refused server recorded no name").hasContent(nodeIds);
      assertThat(LockProbe.heldByAnotherProcess(dir.resolve(DataDirectoryLock.FILE))).isTrue();
      assertThat(first.req("GET", "/v1/keys").token(TestServer.ROOT).send().status()).isEqualTo(200);
    }
    try (TestServer restarted = TestServer.dev(dir)) {
      assertThat(restarted.server.root().sealed()).isFalse();
    }
  }
}
