package dev.rekey.core.root;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.crypto.SecretBytes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSealTest extends SealContract {
  @TempDir Path dir;

  @Override
  Seal readySeal() {
    return FileSeal.open(dir.resolve("seal.key"));
  }

  @Test
  void open_missingFile_createsItOwnerOnly() throws IOException {
    Path file = dir.resolve("sub/seal.key");
    FileSeal.open(file);
    assertThat(Files.readString(file)).startsWith("rekey-file-seal-v1:");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
  }

  @Test
  void open_existingFile_readsTheSameKey() {
    Path file = dir.resolve("seal.key");
    byte[] sealed = FileSeal.open(file).seal(SecretBytes.random(32), AAD);
    assertThat(FileSeal.open(file).open(sealed, AAD).length()).isEqualTo(32);
  }

  @Test
  void open_otherFile_cannotOpen() {
    byte[] sealed = FileSeal.open(dir.resolve("a.key")).seal(SecretBytes.random(32), AAD);
    assertThatThrownBy(() -> FileSeal.open(dir.resolve("b.key")).open(sealed, AAD))
        .matches(SealContract::decryptionFailed, "DECRYPTION_FAILED");
  }

  @Test
  void open_groupReadableFile_isRefusedWithTheFix() throws IOException {
    Path file = dir.resolve("seal.key");
    FileSeal.open(file);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
    assertThatThrownBy(() -> FileSeal.open(file))
        .isInstanceOf(RekeyException.class)
        .hasMessageContaining("accessible by group or others")
        .hasMessageContaining("chmod 600 " + file);
  }

  @Test
  void open_worldReadableFile_isRefused() throws IOException {
    Path file = dir.resolve("seal.key");
    FileSeal.open(file);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw----r--"));
    assertThatThrownBy(() -> FileSeal.open(file))
        .matches(e -> ((RekeyException) e).code() == ErrorCode.ILLEGAL_STATE);
  }

  @Test
  void open_garbageFile_isRefusedWithoutEchoingIt() throws IOException {
    Path file = dir.resolve("seal.key");
    Files.writeString(file, "hunter2-not-a-key");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    assertThatThrownBy(() -> FileSeal.open(file))
        .hasMessageContaining("not a Rekey seal key file")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void toString_namesThePathOnly() throws IOException {
    Path file = dir.resolve("seal.key");
    FileSeal seal = FileSeal.open(file);
    String content = Files.readString(file, StandardCharsets.US_ASCII).strip();
    assertThat(seal.toString()).contains(file.toString())
        .doesNotContain(content.substring(content.indexOf(':') + 1));
  }
}
