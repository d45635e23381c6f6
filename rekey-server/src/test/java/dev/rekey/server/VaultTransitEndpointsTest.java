package dev.rekey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Vault transit subset against a real server, spoken as a Vault client speaks it: raw HTTP,
 * {@code X-Vault-Token}, {@code X-Vault-Namespace}, base64 plaintext and context, PUT as the Vault
 * CLI writes and POST as other clients do, and Vault's {@code {"errors":[...]}} on failure.
 */
class VaultTransitEndpointsTest {
  static final String ROOT = TestServer.ROOT;
  static final String NS = "vt";
  @TempDir static Path dir;
  static TestServer s;

  @BeforeAll
  static void start() {
    s = TestServer.dev(dir);
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  private static TestServer.Resp vault(String method, String path, String token, String body) {
    TestServer.Req req = s.req(method, path).header("X-Vault-Token", token).header("X-Vault-Namespace", NS);
    if (body != null) {
      req.json(body);
    }
    return req.send();
  }

  private static TestServer.Resp write(String path, String body) {
    return vault("POST", path, ROOT, body);
  }

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String unb64(String b64) {
    return new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
  }

  private static JsonNode data(TestServer.Resp r) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().get("data");
  }

  /** Vault's error shape: {"errors":["..."]}, and nothing of Rekey's. */
  private static void vaultError(TestServer.Resp r, int status) {
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.json().get("errors").isArray()).as(r.body()).isTrue();
    assertThat(r.json().get("errors").get(0).asText()).isNotEmpty();
    assertThat(r.json().has("error")).isFalse();
  }

  private static void createKey(String name) {
    assertThat(vault("PUT", "/v1/transit/keys/" + name, ROOT, null).status()).isEqualTo(200);
  }

  @Test
  void keys_createReadRotate_inVaultsShape() {
    JsonNode created = data(write("/v1/transit/keys/orders", "{\"type\":\"aes256-gcm96\"}"));
    assertThat(created.get("name").asText()).isEqualTo("orders");
    assertThat(created.get("type").asText()).isEqualTo("aes256-gcm96");
    assertThat(created.get("latest_version").asInt()).isEqualTo(1);

    TestServer.Resp again = write("/v1/transit/keys/orders", "{}");
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().get("warnings").get(0).asText()).contains("already existed");

    JsonNode read = data(vault("GET", "/v1/transit/keys/orders", ROOT, null));
    assertThat(read.get("type").asText()).isEqualTo("aes256-gcm96");
    assertThat(read.get("deletion_allowed").asBoolean()).isFalse();
    assertThat(read.get("exportable").asBoolean()).isFalse();
    assertThat(read.get("derived").asBoolean()).isFalse();
    assertThat(read.get("supports_encryption").asBoolean()).isTrue();
    assertThat(read.get("supports_decryption").asBoolean()).isTrue();
    assertThat(read.get("supports_derivation").asBoolean()).isFalse();
    assertThat(read.get("supports_signing").asBoolean()).isFalse();
    assertThat(read.get("min_decryption_version").asInt()).isEqualTo(1);
    assertThat(read.get("min_encryption_version").asInt()).isEqualTo(1);
    assertThat(read.get("keys").get("1").asLong()).isGreaterThan(1_600_000_000L);

    // the Vault CLI writes with PUT
    JsonNode rotated = data(vault("PUT", "/v1/transit/keys/orders/rotate", ROOT, null));
    assertThat(rotated.get("latest_version").asInt()).isEqualTo(2);
    assertThat(rotated.get("keys").has("1")).isTrue();
    assertThat(rotated.get("keys").has("2")).isTrue();
    // the key is Rekey's own: the native API sees the same key in the same namespace
    TestServer.Resp nativeRead = s.req("GET", "/v1/keys/orders").token(ROOT).namespace(NS).send();
    assertThat(nativeRead.json().get("primary_version").asInt()).isEqualTo(2);

    // `vault write -f transit/keys/k/rotate` (the Go client writing nil data) sends the JSON null
    assertThat(data(vault("PUT", "/v1/transit/keys/orders/rotate", ROOT, "null\n")).get("latest_version").asInt())
        .isEqualTo(3);
    assertThat(data(vault("PUT", "/v1/transit/keys/fromcli", ROOT, "null\n")).get("latest_version").asInt())
        .isEqualTo(1);

    vaultError(write("/v1/transit/keys/bad", "{\"derived\":true}"), 400);
    vaultError(write("/v1/transit/keys/bad", "{\"type\":\"rsa-4096\"}"), 400);
    vaultError(vault("GET", "/v1/transit/keys/missing", ROOT, null), 404);
  }

  @Test
  void encryptDecrypt_roundTrip_withContext_andBeforeAndAfterRotation() {
    createKey("app");
    JsonNode enc = data(write("/v1/transit/encrypt/app",
        "{\"plaintext\":\"" + b64("the quick brown fox") + "\",\"context\":\"" + b64("tenant=7") + "\"}"));
    String v1 = enc.get("ciphertext").asText();
    assertThat(v1).startsWith("rekey:v1:");
    assertThat(enc.get("key_version").asInt()).isEqualTo(1);

    JsonNode dec = data(write("/v1/transit/decrypt/app",
        "{\"ciphertext\":\"" + v1 + "\",\"context\":\"" + b64("tenant=7") + "\"}"));
    assertThat(unb64(dec.get("plaintext").asText())).isEqualTo("the quick brown fox");
    // the context is bound: another one does not decrypt
    vaultError(write("/v1/transit/decrypt/app", "{\"ciphertext\":\"" + v1 + "\",\"context\":\"" + b64("tenant=8") + "\"}"),
        400);

    data(vault("POST", "/v1/transit/keys/app/rotate", ROOT, "{}"));
    JsonNode enc2 = data(vault("PUT", "/v1/transit/encrypt/app", ROOT, "{\"plaintext\":\"" + b64("after") + "\"}"));
    assertThat(enc2.get("key_version").asInt()).isEqualTo(2);
    assertThat(enc2.get("ciphertext").asText()).startsWith("rekey:v2:");
    // made before the rotation, still decrypts
    assertThat(unb64(data(write("/v1/transit/decrypt/app", "{\"ciphertext\":\"" + v1 + "\",\"context\":\""
        + b64("tenant=7") + "\"}")).get("plaintext").asText())).isEqualTo("the quick brown fox");

    // rewrap to the new version, same plaintext
    JsonNode rewrapped = data(write("/v1/transit/rewrap/app",
        "{\"ciphertext\":\"" + v1 + "\",\"context\":\"" + b64("tenant=7") + "\"}"));
    assertThat(rewrapped.get("key_version").asInt()).isEqualTo(2);
    String v2 = rewrapped.get("ciphertext").asText();
    assertThat(v2).startsWith("rekey:v2:");
    assertThat(unb64(data(write("/v1/transit/decrypt/app", "{\"ciphertext\":\"" + v2 + "\",\"context\":\""
        + b64("tenant=7") + "\"}")).get("plaintext").asText())).isEqualTo("the quick brown fox");

    // key_version: the primary may be named (as a string too, as `vault write` sends it); another is refused
    assertThat(data(write("/v1/transit/encrypt/app", "{\"plaintext\":\"" + b64("x") + "\",\"key_version\":\"2\"}"))
        .get("key_version").asInt()).isEqualTo(2);
    vaultError(write("/v1/transit/encrypt/app", "{\"plaintext\":\"" + b64("x") + "\",\"key_version\":1}"), 400);
    // an empty plaintext is a plaintext
    String empty = data(write("/v1/transit/encrypt/app", "{\"plaintext\":\"\"}")).get("ciphertext").asText();
    assertThat(data(write("/v1/transit/decrypt/app", "{\"ciphertext\":\"" + empty + "\"}")).get("plaintext").asText())
        .isEmpty();
  }

  @Test
  void datakey_plaintextAndWrapped() {
    createKey("dk");
    JsonNode plain = data(write("/v1/transit/datakey/plaintext/dk", "{\"context\":\"" + b64("c") + "\",\"bits\":256}"));
    byte[] key = Base64.getDecoder().decode(plain.get("plaintext").asText());
    assertThat(key).hasSize(32);
    assertThat(plain.get("key_version").asInt()).isEqualTo(1);
    String wrapped = plain.get("ciphertext").asText();
    assertThat(wrapped).startsWith("rekey:v1:");
    JsonNode opened = data(write("/v1/transit/decrypt/dk", "{\"ciphertext\":\"" + wrapped + "\",\"context\":\"" + b64("c") + "\"}"));
    assertThat(Base64.getDecoder().decode(opened.get("plaintext").asText())).isEqualTo(key);

    JsonNode only = data(vault("PUT", "/v1/transit/datakey/wrapped/dk", ROOT, null));
    assertThat(only.has("plaintext")).isFalse();
    assertThat(only.get("ciphertext").asText()).startsWith("rekey:v1:");

    vaultError(write("/v1/transit/datakey/plaintext/dk", "{\"bits\":512}"), 400);
    vaultError(write("/v1/transit/datakey/secret/dk", "{}"), 400);
  }

  @Test
  void responseWrapping_isRefused_neverAnsweredUnwrapped() {
    createKey("wrap");
    TestServer.Resp r = s.req("POST", "/v1/transit/datakey/plaintext/wrap").header("X-Vault-Token", ROOT)
        .header("X-Vault-Namespace", NS).header("X-Vault-Wrap-TTL", "60s").json("{}").send();
    vaultError(r, 400);
    assertThat(r.body()).doesNotContain("plaintext\"").contains("wrapping");
    vaultError(s.req("GET", "/v1/transit/keys/wrap").header("X-Vault-Token", ROOT).header("X-Vault-Namespace", NS)
        .header("X-Vault-Wrap-TTL", "5m").send(), 400);
  }

  @Test
  void batch_encryptAndDecrypt_itemByItem_withReferences() {
    createKey("batch");
    TestServer.Resp r = write("/v1/transit/encrypt/batch", "{\"batch_input\":[{\"plaintext\":\"" + b64("one")
        + "\",\"reference\":\"a\"},{\"plaintext\":\"" + b64("two") + "\",\"context\":\"" + b64("ctx") + "\"}]}");
    JsonNode results = data(r).get("batch_results");
    assertThat(results).hasSize(2);
    assertThat(results.get(0).get("reference").asText()).isEqualTo("a");
    assertThat(results.get(0).get("key_version").asInt()).isEqualTo(1);
    assertThat(results.get(0).has("error")).isFalse();
    String c1 = results.get(0).get("ciphertext").asText();
    String c2 = results.get(1).get("ciphertext").asText();

    JsonNode decrypted = data(write("/v1/transit/decrypt/batch", "{\"batch_input\":[{\"ciphertext\":\"" + c1
        + "\",\"reference\":\"r1\"},{\"ciphertext\":\"" + c2 + "\",\"context\":\"" + b64("ctx") + "\"}]}"))
        .get("batch_results");
    assertThat(unb64(decrypted.get(0).get("plaintext").asText())).isEqualTo("one");
    assertThat(decrypted.get(0).get("reference").asText()).isEqualTo("r1");
    assertThat(unb64(decrypted.get(1).get("plaintext").asText())).isEqualTo("two");

    // one bad item: it carries its error, the others still run, and the answer is 400 as Vault's is
    TestServer.Resp mixed = write("/v1/transit/encrypt/batch", "{\"batch_input\":[{\"plaintext\":\"" + b64("ok")
        + "\"},{\"plaintext\":\"not base64!\",\"reference\":\"bad\"}]}");
    assertThat(mixed.status()).isEqualTo(400);
    JsonNode mixedResults = mixed.json().get("data").get("batch_results");
    assertThat(mixedResults.get(0).get("ciphertext").asText()).startsWith("rekey:v1:");
    assertThat(mixedResults.get(1).get("error").asText()).contains("base64");
    assertThat(mixedResults.get(1).get("reference").asText()).isEqualTo("bad");
    assertThat(mixed.body()).doesNotContain("not base64!");

    TestServer.Resp badDecrypt = write("/v1/transit/decrypt/batch", "{\"batch_input\":[{\"ciphertext\":\"" + c1
        + "\"},{\"ciphertext\":\"vault:v1:abcd\"}]}");
    assertThat(badDecrypt.status()).isEqualTo(400);
    assertThat(badDecrypt.json().get("data").get("batch_results").get(1).get("error").asText())
        .isEqualTo("decryption failed");
  }

  @Test
  void errors_inVaultsShape_andTheNativeApiKeepsItsOwn() {
    createKey("err");
    vaultError(write("/v1/transit/encrypt/nope", "{\"plaintext\":\"" + b64("x") + "\"}"), 404);
    vaultError(write("/v1/transit/decrypt/nope", "{\"ciphertext\":\"rekey:v1:AAAA\"}"), 404);
    vaultError(write("/v1/transit/encrypt/err", "{\"plaintext\":\"%%%\"}"), 400);
    vaultError(write("/v1/transit/encrypt/err", "{}"), 400);
    vaultError(write("/v1/transit/encrypt/err", "{\"plaintext\":\"" + b64("x") + "\",\"nonce\":\"AAAA\"}"), 400);
    vaultError(write("/v1/transit/encrypt/err", "not json"), 400);
    // a real Vault's ciphertext is not Rekey's: the generic decryption failure
    TestServer.Resp foreign = write("/v1/transit/decrypt/err", "{\"ciphertext\":\"vault:v1:8SDd3WHDOjf7mq69CyCqYjBXAiQQAVZRkFM13ok481zoCmHnSeDX9vyf7w==\"}");
    vaultError(foreign, 400);
    assertThat(foreign.json().get("errors").get(0).asText()).isEqualTo("decryption failed");
    vaultError(write("/v1/transit/no-such-path/err", "{}"), 404);
    vaultError(vault("DELETE", "/v1/transit/keys/err", ROOT, null), 405);

    // the native API keeps Rekey's error shape
    TestServer.Resp nativeMissing = s.post("/v1/keys/nope/encrypt", ROOT, "{\"plaintext\":\"" + b64("x") + "\"}");
    assertThat(nativeMissing.status()).isEqualTo(404);
    assertThat(nativeMissing.errorCode()).isEqualTo("not_found");
  }

  @Test
  void tokens_vaultHeaderOrBearer_andAGrantElsewhereIsPermissionDenied() {
    createKey("authz");
    String body = "{\"plaintext\":\"" + b64("x") + "\"}";
    String elsewhere = s.token("outsider", "crypto-user", "other", "*", null)[0];
    String reader = s.token("reader", "auditor", NS, "*", null)[0];
    String user = s.token("user", "crypto-user", NS, "authz", null)[0];

    vaultError(vault("POST", "/v1/transit/encrypt/authz", elsewhere, body), 403);
    vaultError(vault("POST", "/v1/transit/encrypt/authz", reader, body), 403);
    vaultError(vault("POST", "/v1/transit/encrypt/authz", "not-a-token", body), 403);
    TestServer.Resp none = s.req("POST", "/v1/transit/encrypt/authz").header("X-Vault-Namespace", NS).json(body).send();
    vaultError(none, 403);
    assertThat(none.json().get("errors").get(0).asText()).startsWith("permission denied");
    // crypto-user may not create keys, but may encrypt its key
    vaultError(vault("POST", "/v1/transit/keys/authz2", user, "{}"), 403);
    assertThat(data(vault("POST", "/v1/transit/encrypt/authz", user, body)).get("key_version").asInt()).isEqualTo(1);
    // Authorization: Bearer and Rekey's namespace header work too
    TestServer.Resp bearer = s.req("POST", "/v1/transit/encrypt/authz").token(user).namespace(NS).json(body).send();
    assertThat(bearer.status()).as(bearer.body()).isEqualTo(200);
    // as in Vault, X-Vault-Token wins over an Authorization header (a proxy may add one of its own)
    TestServer.Resp proxied = s.req("POST", "/v1/transit/encrypt/authz").header("X-Vault-Token", user)
        .header("Authorization", "Bearer proxy-credential").header("X-Vault-Namespace", NS).json(body).send();
    assertThat(proxied.status()).as(proxied.body()).isEqualTo(200);
    // X-Vault-Namespace wins over X-Rekey-Namespace, and Vault's trailing slash is accepted
    TestServer.Resp both = s.req("POST", "/v1/transit/encrypt/authz").header("X-Vault-Token", user)
        .header("X-Vault-Namespace", NS + "/").namespace("other").json(body).send();
    assertThat(both.status()).as(both.body()).isEqualTo(200);
  }

  private static JsonNode record(String requestId) {
    List<JsonNode> matching = s.auditAfter(0).stream().filter(r -> requestId.equals(r.path("request_id").asText()))
        .toList();
    assertThat(matching).as("records of " + requestId).hasSize(1);
    return matching.get(0);
  }

  private static TestServer.Resp withId(String path, String body, String requestId) {
    return s.req("POST", path).header("X-Vault-Token", ROOT).header("X-Vault-Namespace", NS)
        .header("X-Request-Id", requestId).json(body).send();
  }

  /** As the native batches: the record names the versions the items' ciphertexts claimed (compromise assessment). */
  @Test
  void batches_thatReadCiphertexts_nameTheVersionsTried_asTheNativeOnes() {
    createKey("tried");
    String v1 = data(write("/v1/transit/encrypt/tried", "{\"plaintext\":\"" + b64("a") + "\"}")).get("ciphertext")
        .asText();
    data(write("/v1/transit/keys/tried/rotate", "{}"));
    String v2 = data(write("/v1/transit/encrypt/tried", "{\"plaintext\":\"" + b64("b") + "\"}")).get("ciphertext")
        .asText();

    withId("/v1/transit/decrypt/tried", "{\"batch_input\":[{\"ciphertext\":\"" + v2 + "\"},{\"ciphertext\":\"" + v1
        + "\",\"context\":\"" + b64("wrong") + "\"},{\"ciphertext\":\"x\"}]}", "vault-batch-decrypt");
    JsonNode decrypt = record("vault-batch-decrypt");
    assertThat(decrypt.get("details").get("errors").asInt()).as(decrypt.toString()).isEqualTo(2);
    assertThat(decrypt.get("details").get("versions").toString()).as(decrypt.toString()).isEqualTo("[1,2]");

    data(withId("/v1/transit/rewrap/tried", "{\"batch_input\":[{\"ciphertext\":\"" + v1 + "\"}]}", "vault-batch-rewrap"));
    JsonNode rewrap = record("vault-batch-rewrap");
    assertThat(rewrap.get("details").get("from_versions").toString()).as(rewrap.toString()).isEqualTo("[1]");

    // refused as a whole (no such key): still names what the items claimed
    TestServer.Resp missing = withId("/v1/transit/rewrap/no-such-key", "{\"batch_input\":[{\"ciphertext\":\"" + v2
        + "\"}]}", "vault-batch-missing");
    vaultError(missing, 404);
    JsonNode whole = record("vault-batch-missing");
    assertThat(whole.get("details").get("from_versions").toString()).as(whole.toString()).isEqualTo("[2]");
  }

  @Test
  void everyRequest_isAudited_asTheNativeOnes_withoutPlaintext() {
    createKey("audited");
    String secret = b64("audit-must-not-see-this");
    long before = s.lastAuditSeq();
    String ct = data(write("/v1/transit/encrypt/audited", "{\"plaintext\":\"" + secret + "\"}")).get("ciphertext").asText();
    data(write("/v1/transit/decrypt/audited", "{\"ciphertext\":\"" + ct + "\"}"));
    String outsider = s.token("eve", "crypto-user", "other", "*", null)[0];
    vault("POST", "/v1/transit/decrypt/audited", outsider, "{\"ciphertext\":\"" + ct + "\"}");
    vault("GET", "/v1/transit/keys/audited", ROOT, null);

    List<JsonNode> records = s.auditAfter(before);
    assertThat(records).anySatisfy(r -> {
      assertThat(r.get("action").asText()).isEqualTo("encrypt");
      assertThat(r.get("namespace").asText()).isEqualTo(NS);
      assertThat(r.get("key").asText()).isEqualTo("audited");
      assertThat(r.get("version").asInt()).isEqualTo(1);
      assertThat(r.get("outcome").asText()).isEqualTo("allowed");
    });
    assertThat(records).anySatisfy(r -> {
      assertThat(r.get("action").asText()).isEqualTo("decrypt");
      assertThat(r.get("principal").asText()).isEqualTo("root");
      assertThat(r.get("outcome").asText()).isEqualTo("allowed");
    });
    assertThat(records).anySatisfy(r -> {
      assertThat(r.get("action").asText()).isEqualTo("decrypt");
      assertThat(r.get("principal").asText()).isEqualTo("eve");
      assertThat(r.get("outcome").asText()).isEqualTo("denied");
      assertThat(r.get("error_code").asText()).isEqualTo("forbidden");
    });
    assertThat(records).anySatisfy(r -> assertThat(r.get("action").asText()).isEqualTo("key.read"));
    assertThat(records.toString()).doesNotContain(secret).doesNotContain("audit-must-not-see-this");
  }
}
