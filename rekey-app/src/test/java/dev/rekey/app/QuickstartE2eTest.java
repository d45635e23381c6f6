package dev.rekey.app;

import static dev.rekey.app.E2e.ROOT_TOKEN;
import static dev.rekey.app.E2e.cli;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rekey.api.DecryptResult;
import dev.rekey.api.EncryptResponse;
import dev.rekey.api.EncryptResult;
import dev.rekey.api.KeyView;
import dev.rekey.api.UpdateKeyRequest;
import dev.rekey.client.DataKey;
import dev.rekey.client.EnvelopeEncryptor;
import dev.rekey.client.RekeyClient;
import dev.rekey.client.RekeyClientException;
import dev.rekey.server.RekeyServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README quickstart, step by step, through the real CLI and the real SDK against a real dev server. */
class QuickstartE2eTest {
  @TempDir static Path dataDir;
  static RekeyServer server;
  static String url;

  @BeforeAll
  static void start() {
    server = E2e.devServer(dataDir);
    url = server.url();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static E2e.Run rekey(String stdin, String... args) {
    return cli(url, ROOT_TOKEN, stdin, args);
  }

  @Test
  void readmeQuickstartThroughTheCli() throws Exception {
    E2e.Run create = rekey(null, "key", "create", "orders");
    assertThat(create.exit()).as(create.toString()).isZero();
    assertThat(create.out()).contains("Created key orders: primary v1");

    E2e.Run enc = rekey("card 4111-1111", "encrypt", "orders");
    assertThat(enc.exit()).as(enc.toString()).isZero();
    String old = enc.line();
    assertThat(old).startsWith("rekey:v1:");

    E2e.Run rotate = rekey(null, "key", "rotate", "orders");
    assertThat(rotate.exit()).as(rotate.toString()).isZero();
    assertThat(rotate.out()).contains("primary v2");

    E2e.Run dec = rekey(old + "\n", "decrypt", "orders");
    assertThat(dec.exit()).as(dec.toString()).isZero();
    assertThat(dec.out()).isEqualTo("card 4111-1111");

    E2e.Run rewrap = rekey(old + "\n", "rewrap", "orders");
    assertThat(rewrap.exit()).as(rewrap.toString()).isZero();
    String fresh = rewrap.line();
    assertThat(fresh).startsWith("rekey:v2:");
    assertThat(rekey(fresh, "decrypt", "orders").out()).isEqualTo("card 4111-1111");

    E2e.Run update = rekey(null, "key", "update", "orders", "--min-decryption-version", "2");
    assertThat(update.exit()).as(update.toString()).isZero();

    // v1 no longer decrypts: a clear error on stderr, exit 1, nothing on stdout
    E2e.Run refused = rekey(old, "decrypt", "orders");
    assertThat(refused.exit()).as(refused.toString()).isEqualTo(1);
    assertThat(refused.stdout()).isEmpty();
    assertThat(refused.err()).startsWith("Error: ").contains("(decryption_failed)");
    // ...but the retired version can still be rewrapped onto the primary
    E2e.Run rewrapRetired = rekey(old, "rewrap", "orders");
    assertThat(rewrapRetired.exit()).as(rewrapRetired.toString()).isZero();
    assertThat(rewrapRetired.line()).startsWith("rekey:v2:");
    assertThat(rekey(rewrapRetired.line(), "decrypt", "orders").out()).isEqualTo("card 4111-1111");

    E2e.Run show = rekey(null, "key", "show", "orders");
    assertThat(show.exit()).as(show.toString()).isZero();
    assertThat(show.out()).contains("name:           orders").contains("primary:        v2")
        .contains("min decryption: v2");

    E2e.Run json = rekey(null, "key", "show", "orders", "--json");
    assertThat(json.exit()).as(json.toString()).isZero();
    JsonNode view = new ObjectMapper().readTree(json.out());
    assertThat(view.path("name").asText()).isEqualTo("orders");
    assertThat(view.path("primary_version").asInt()).isEqualTo(2);
    assertThat(view.path("latest_version").asInt()).isEqualTo(2);
    assertThat(view.path("min_decryption_version").asInt()).isEqualTo(2);
    assertThat(view.path("versions")).hasSize(2);
    assertThat(view.path("versions").get(1).path("state").asText()).isEqualTo("primary");

    E2e.Run datakey = rekey(null, "datakey", "orders");
    assertThat(datakey.exit()).as(datakey.toString()).isZero();
    List<String> lines = datakey.out().lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).startsWith("rekey:v2:");
    byte[] plainKey = Base64.getDecoder().decode(lines.get(1));
    assertThat(plainKey).hasSize(32);
    // the wrapped data key unwraps to the printed plaintext key
    E2e.Run unwrap = rekey(lines.get(0), "decrypt", "orders");
    assertThat(unwrap.stdout()).isEqualTo(plainKey);

    E2e.Run audit = rekey(null, "audit", "verify");
    assertThat(audit.exit()).as(audit.toString()).isZero();
    assertThat(audit.out()).startsWith("Audit trail intact: ");
  }

  @Test
  void cliWithoutTokenIsRefused() {
    E2e.Run run = cli(url, null, null, "key", "create", "no-token");
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("(unauthenticated)");
    E2e.Run wrong = cli(url, "not-a-token", null, "key", "show", "orders");
    assertThat(wrong.exit()).isEqualTo(1);
    assertThat(wrong.err()).contains("(unauthenticated)");
  }

  @Test
  void quickstartThroughTheSdk() {
    RekeyClient client = E2e.client(server, ROOT_TOKEN);
    assertThat(client.health().status()).isEqualTo("ok");
    KeyView created = client.createKey("sdk-orders", null, Map.of("team", "payments"));
    assertThat(created.primaryVersion()).isEqualTo(1);
    assertThat(created.tags()).containsEntry("team", "payments");

    byte[] plaintext = "card 4111-1111".getBytes(StandardCharsets.UTF_8);
    byte[] context = "order-17".getBytes(StandardCharsets.UTF_8);
    EncryptResponse old = client.encrypt("sdk-orders", plaintext, context);
    assertThat(old.version()).isEqualTo(1);
    assertThat(client.rotateKey("sdk-orders", true).primaryVersion()).isEqualTo(2);
    assertThat(client.decrypt("sdk-orders", old.ciphertext(), context)).isEqualTo(plaintext);
    assertThatThrownBy(() -> client.decrypt("sdk-orders", old.ciphertext(), "other".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(RekeyClientException.class, e -> assertThat(e.wireCode()).isEqualTo("decryption_failed"));
    EncryptResponse rewrapped = client.rewrap("sdk-orders", old.ciphertext(), context);
    assertThat(rewrapped.version()).isEqualTo(2);
    assertThat(rewrapped.ciphertext()).startsWith("rekey:v2:");

    KeyView updated = client.updateKey("sdk-orders", new UpdateKeyRequest(2, null, null));
    assertThat(updated.minDecryptionVersion()).isEqualTo(2);
    assertThatThrownBy(() -> client.decrypt("sdk-orders", old.ciphertext(), context))
        .isInstanceOf(RekeyClientException.class);
    assertThat(client.decrypt("sdk-orders", rewrapped.ciphertext(), context)).isEqualTo(plaintext);
    assertThat(client.rewrap("sdk-orders", old.ciphertext(), context).version()).isEqualTo(2);

    try (DataKey dk = client.generateDataKey("sdk-orders", context)) {
      assertThat(dk.version()).isEqualTo(2);
      assertThat(client.decrypt("sdk-orders", dk.ciphertext(), context)).isEqualTo(dk.plaintext());
    }
    assertThat(client.verifyAudit().valid()).isTrue();
  }

  @Test
  void envelopeRoundTripThroughTheSdk() {
    RekeyClient client = E2e.client(server, ROOT_TOKEN);
    client.createKey("envelopes", null, null);
    byte[] context = "tenant-9".getBytes(StandardCharsets.UTF_8);
    List<byte[]> plaintexts = new ArrayList<>();
    List<byte[]> envelopes = new ArrayList<>();
    try (EnvelopeEncryptor enc = EnvelopeEncryptor.builder(client, "envelopes").maxMessagesPerDataKey(3).build()) {
      for (int i = 0; i < 10; i++) {
        byte[] p = ("message " + i + " " + "x".repeat(i * 100)).getBytes(StandardCharsets.UTF_8);
        plaintexts.add(p);
        envelopes.add(enc.encrypt(p, context));
        if (i == 4) {
          client.rotateKey("envelopes", true);
        }
      }
    }
    // a fresh encryptor (no cache) opens every envelope, including those under the old version
    try (EnvelopeEncryptor dec = EnvelopeEncryptor.builder(client, "envelopes").noCache().build()) {
      for (int i = 0; i < envelopes.size(); i++) {
        assertThat(dec.decrypt(envelopes.get(i), context)).isEqualTo(plaintexts.get(i));
        assertThat(EnvelopeEncryptor.wrappedKeyOf(envelopes.get(i))).startsWith("rekey:v");
      }
      byte[] tampered = envelopes.get(0).clone();
      tampered[tampered.length - 1] ^= 1;
      assertThatThrownBy(() -> dec.decrypt(tampered, context))
          .isInstanceOfSatisfying(RekeyClientException.class, e -> assertThat(e.wireCode()).isEqualTo("decryption_failed"));
      assertThatThrownBy(() -> dec.decrypt(envelopes.get(1), "other".getBytes(StandardCharsets.UTF_8)))
          .isInstanceOf(RekeyClientException.class);
    }
  }

  @Test
  void batchesThroughTheSdk() {
    RekeyClient client = E2e.client(server, ROOT_TOKEN);
    client.createKey("batches", null, null);
    List<byte[]> plaintexts = new ArrayList<>();
    List<dev.rekey.api.EncryptItem> items = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      byte[] p = ("value-" + i).getBytes(StandardCharsets.UTF_8);
      plaintexts.add(p);
      items.add(RekeyClient.encryptItem(p, i % 2 == 0 ? null : ("ctx" + i).getBytes(StandardCharsets.UTF_8)));
    }
    List<EncryptResult> encrypted = client.encryptBatch("batches", items);
    assertThat(encrypted).hasSize(200).allSatisfy(r -> {
      assertThat(r.error()).isNull();
      assertThat(r.version()).isEqualTo(1);
    });
    client.rotateKey("batches", true);

    List<dev.rekey.api.CiphertextItem> cts = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      cts.add(RekeyClient.ciphertextItem(encrypted.get(i).ciphertext(),
          i % 2 == 0 ? null : ("ctx" + i).getBytes(StandardCharsets.UTF_8)));
    }
    // one bad item does not fail the others
    cts.add(RekeyClient.ciphertextItem("rekey:v1:AAAA", null));
    List<DecryptResult> decrypted = client.decryptBatch("batches", cts);
    assertThat(decrypted).hasSize(201);
    for (int i = 0; i < 200; i++) {
      assertThat(RekeyClient.plaintextOf(decrypted.get(i))).isEqualTo(plaintexts.get(i));
      assertThat(decrypted.get(i).version()).isEqualTo(1);
    }
    assertThat(decrypted.get(200).error()).isNotNull();
    assertThat(decrypted.get(200).error().code()).isEqualTo("decryption_failed");

    List<EncryptResult> rewrapped = client.rewrapBatch("batches", cts.subList(0, 200));
    assertThat(rewrapped).hasSize(200).allSatisfy(r -> {
      assertThat(r.error()).isNull();
      assertThat(r.version()).isEqualTo(2);
    });
    List<dev.rekey.api.CiphertextItem> again = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      again.add(RekeyClient.ciphertextItem(rewrapped.get(i).ciphertext(),
          i % 2 == 0 ? null : ("ctx" + i).getBytes(StandardCharsets.UTF_8)));
    }
    List<DecryptResult> round = client.decryptBatch("batches", again);
    for (int i = 0; i < 200; i++) {
      assertThat(RekeyClient.plaintextOf(round.get(i))).isEqualTo(plaintexts.get(i));
    }
  }
}
