package dev.rekey.server;

import static dev.rekey.server.TestServer.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.rekey.core.root.RootOfTrust;
import dev.rekey.store.Store;
import dev.rekey.store.StoreConfig;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The stored root keyring is re-read while the server runs (another node may have rotated the root
 * key). When what is stored cannot be read (corrupt, or not opened by this node's seal), a request
 * that needs the re-read is answered 503 {@code sealed}, never 500; nothing is written over the
 * stored keyring; and the node keeps serving with the keyring it holds.
 */
class StoredKeyringUnreadableTest {
  private static final String PLAIN_B64 = "aGVsbG8=";

  /** Also: one log line, not one per background re-read (every second), and none of the stored bytes in it. */
  @Test
  void undecodableStoredKeyring_rotateRootIs503_andTheHeldKeyringServes(@TempDir Path dir) throws Exception {
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    Logger root = (Logger) LoggerFactory.getLogger(RootOfTrust.class);
    Logger server = (Logger) LoggerFactory.getLogger(RekeyServer.class);
    root.addAppender(logged);
    server.addAppender(logged);
    try {
      // the background re-reads meanwhile (BackgroundTasks.KEYRING_REFRESH)
      assertUnreadableKeyringRefused(dir, "not a keyring at all".getBytes(StandardCharsets.UTF_8), 2_500);
    } finally {
      root.detachAppender(logged);
      server.detachAppender(logged);
    }
    List<String> lines = logged.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
        .map(ILoggingEvent::getFormattedMessage).toList();
    assertThat(lines).filteredOn(l -> l.contains("root keyring")).hasSize(1)
        .allSatisfy(l -> assertThat(l).contains("stored root keyring cannot be read").doesNotContain("not a keyring"));
  }

  @Test
  void storedKeyringTheSealCannotOpen_rotateRootIs503_notDecryptionFailed(@TempDir Path dir) throws Exception {
    // well-formed record, sealed blob that no seal opens
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.write("RKS1".getBytes(StandardCharsets.US_ASCII));
    out.writeUTF("file");
    out.writeInt(0);
    out.writeInt(0);
    byte[] sealed = new byte[80];
    out.writeInt(sealed.length);
    out.write(sealed);
    assertUnreadableKeyringRefused(dir, bytes.toByteArray(), 0);
  }

  /** {@code lingerMillis}: how long the server runs on afterwards. */
  private static void assertUnreadableKeyringRefused(Path dir, byte[] corrupt, long lingerMillis)
      throws InterruptedException {
    try (TestServer s = TestServer.dev(dir)) {
      s.createKey("k", null);
      String ct = s.post("/v1/keys/k/encrypt", ROOT, "{\"plaintext\":\"" + PLAIN_B64 + "\"}").json()
          .get("ciphertext").asText();
      try (Store store = Store.open(StoreConfig.sqlite(dir.resolve("rekey.db")))) {
        byte[] good = store.system().get(RootOfTrust.KEYRING_NAME).orElseThrow();
        assertThat(store.system().compareAndSet(RootOfTrust.KEYRING_NAME, good, corrupt)).isTrue();

        TestServer.Resp rotate = s.post("/v1/sys/rotate-root", ROOT, "{}");
        assertThat(rotate.status()).as(rotate.body()).isEqualTo(503);
        assertThat(rotate.errorCode()).isEqualTo("sealed");
        assertThat(rotate.json().path("error").path("message").asText()).contains("stored root keyring");
        assertThat(store.system().get(RootOfTrust.KEYRING_NAME).orElseThrow())
            .as("nothing written over the stored keyring").isEqualTo(corrupt);
      }
      assertThat(s.get("/v1/sys/seal-status", ROOT).json().get("sealed").asBoolean()).isFalse();
      TestServer.Resp decrypt = s.post("/v1/keys/k/decrypt", ROOT, "{\"ciphertext\":\"" + ct + "\"}");
      assertThat(decrypt.status()).as(decrypt.body()).isEqualTo(200);
      assertThat(decrypt.json().get("plaintext").asText()).isEqualTo(PLAIN_B64);
      assertThat(s.post("/v1/keys/k/encrypt", ROOT, "{\"plaintext\":\"" + PLAIN_B64 + "\"}").status()).isEqualTo(200);
      Thread.sleep(lingerMillis);
    }
  }
}
