package dev.rekey.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rekey.api.EncryptResponse;
import dev.rekey.client.RekeyClient;
import dev.rekey.server.RekeyServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rekey operator rotate-root}: every old ciphertext still decrypts, before and after a restart. */
class RootRotationE2eTest {

  @Test
  void oldCiphertextsSurviveRootRotationAndRestart(@TempDir Path dir) {
    Map<String, byte[]> ciphertexts = new LinkedHashMap<>();
    Map<String, String> keyOf = new LinkedHashMap<>();
    String rootKeyBefore;
    try (RekeyServer server = E2e.devServer(dir)) {
      rootKeyBefore = server.root().currentRootKeyId();
      RekeyClient client = E2e.client(server, E2e.ROOT_TOKEN);
      for (String key : new String[] {"alpha", "beta", "gamma"}) {
        client.createKey(key, null, null);
        for (int v = 0; v < 3; v++) {
          for (int i = 0; i < 5; i++) {
            byte[] p = (key + " v" + v + " #" + i).getBytes(StandardCharsets.UTF_8);
            EncryptResponse e = client.encrypt(key, p, null);
            ciphertexts.put(e.ciphertext(), p);
            keyOf.put(e.ciphertext(), key);
          }
          client.rotateKey(key, true);
        }
      }

      E2e.Run run = E2e.cli(server.url(), E2e.ROOT_TOKEN, null, "operator", "rotate-root");
      assertThat(run.exit()).as(run.toString()).isZero();
      assertThat(run.out()).startsWith("Root key rotated: root-").contains(" 3 keys rewrapped");
      assertThat(server.root().currentRootKeyId()).isNotEqualTo(rootKeyBefore);

      assertAllDecrypt(client, ciphertexts, keyOf);
      // a second rotation in a row works as well
      assertThat(E2e.cli(server.url(), E2e.ROOT_TOKEN, null, "operator", "rotate-root").exit()).isZero();
      assertAllDecrypt(client, ciphertexts, keyOf);
      assertThat(client.encrypt("alpha", new byte[] {1}, null).version()).isEqualTo(4);
    }
    try (RekeyServer restarted = E2e.devServer(dir)) {
      assertThat(restarted.root().currentRootKeyId()).isNotEqualTo(rootKeyBefore);
      RekeyClient client = E2e.client(restarted, E2e.ROOT_TOKEN);
      assertAllDecrypt(client, ciphertexts, keyOf);
      E2e.Run verify = E2e.cli(restarted.url(), E2e.ROOT_TOKEN, null, "audit", "verify");
      assertThat(verify.exit()).as(verify.toString()).isZero();
    }
  }

  private static void assertAllDecrypt(RekeyClient client, Map<String, byte[]> ciphertexts, Map<String, String> keyOf) {
    ciphertexts.forEach((ct, p) -> assertThat(client.decrypt(keyOf.get(ct), ct, null)).as(ct).isEqualTo(p));
  }
}
