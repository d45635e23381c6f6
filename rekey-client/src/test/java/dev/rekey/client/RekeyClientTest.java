package dev.rekey.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rekey.api.AuditAnchor;
import dev.rekey.api.AuditRecordList;
import dev.rekey.api.AuditVerifyResponse;
import dev.rekey.api.DecryptResult;
import dev.rekey.api.EncryptResponse;
import dev.rekey.api.EncryptResult;
import dev.rekey.api.ErrorCode;
import dev.rekey.api.GrantView;
import dev.rekey.api.Health;
import dev.rekey.api.InitResponse;
import dev.rekey.api.Jwks;
import dev.rekey.api.JwtIssueResponse;
import dev.rekey.api.JwtVerifyResponse;
import dev.rekey.api.KeyView;
import dev.rekey.api.PublicKeyView;
import dev.rekey.api.SealStatus;
import dev.rekey.api.SignResponse;
import dev.rekey.api.TokenView;
import dev.rekey.api.UpdateKeyRequest;
import dev.rekey.api.VerifyResponse;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RekeyClientTest {
  static final String KEY_VIEW = "{\"namespace\":\"default\",\"name\":\"orders\",\"type\":\"aes256-gcm\","
      + "\"purpose\":\"encryption\",\"primary_version\":2,\"latest_version\":2,\"min_decryption_version\":1,"
      + "\"min_encryption_version\":1,\"tags\":{\"team\":\"payments\"},\"created_at\":\"2026-11-22T10:00:00Z\","
      + "\"versions\":[{\"version\":1,\"state\":\"active\",\"created_at\":\"a\",\"state_changed_at\":\"b\",\"destroy_after\":null},"
      + "{\"version\":2,\"state\":\"primary\",\"created_at\":\"c\",\"state_changed_at\":\"d\",\"destroy_after\":null}],"
      + "\"some_future_field\":42}";

  static final String SIGNING_KEY_VIEW = "{\"namespace\":\"tenant-a\",\"name\":\"jwt\",\"type\":\"ed25519\","
      + "\"purpose\":\"signing\",\"primary_version\":1,\"latest_version\":1,\"min_decryption_version\":1,"
      + "\"min_encryption_version\":1,\"tags\":{},\"created_at\":\"2026-11-22T10:00:00Z\","
      + "\"versions\":[{\"version\":1,\"state\":\"primary\",\"created_at\":\"a\",\"state_changed_at\":\"b\",\"destroy_after\":null}],"
      + "\"jwks_url\":\"/v1/jwks/tenant-a/jwt\"}";
  static final String JWK = "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\","
      + "\"kid\":\"jwt-v1\",\"alg\":\"EdDSA\",\"use\":\"sig\"}";

  private final ObjectMapper json = new ObjectMapper();
  private FakeRekeyServer server;
  private RekeyClient client;

  @BeforeEach
  void start() throws IOException {
    server = new FakeRekeyServer();
    client = RekeyClient.builder().address(server.address()).token("rk_secret").namespace("tenant-a").build();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private JsonNode sentBody() throws IOException {
    return json.readTree(server.lastRequest().body());
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void createKey_sendsSnakeCaseBodyTokenAndNamespace_returnsKeyView() throws IOException {
    server.on("POST", "/v1/keys", 201, KEY_VIEW);

    KeyView key = client.createKey("orders", "aes256-gcm", Map.of("team", "payments"));

    assertThat(sentBody()).isEqualTo(json.readTree("{\"name\":\"orders\",\"type\":\"aes256-gcm\",\"tags\":{\"team\":\"payments\"}}"));
    assertThat(server.lastRequest().header("Authorization")).isEqualTo("Bearer rk_secret");
    assertThat(server.lastRequest().header("X-Rekey-Namespace")).isEqualTo("tenant-a");
    assertThat(server.lastRequest().header("Content-Type")).isEqualTo("application/json");
    assertThat(key.primaryVersion()).isEqualTo(2);
    assertThat(key.minDecryptionVersion()).isEqualTo(1);
    assertThat(key.tags()).containsEntry("team", "payments");
    assertThat(key.versions()).extracting(v -> v.state()).containsExactly("active", "primary");
    assertThat(key.versions().get(0).stateChangedAt()).isEqualTo("b");
    assertThat(key.versions().get(0).destroyAfter()).isNull();
  }

  @Test
  void createKey_nullTypeAndTags_leavesThemOutOfTheBody() throws IOException {
    server.on("POST", "/v1/keys", 201, KEY_VIEW);

    client.createKey("orders", null, null);

    assertThat(sentBody()).isEqualTo(json.readTree("{\"name\":\"orders\"}"));
  }

  @Test
  void updateKey_onlyGivenFields_sentWithPatch() throws IOException {
    server.on("PATCH", "/v1/keys/orders", 200, KEY_VIEW);

    client.updateKey("orders", new UpdateKeyRequest(2, null, null));

    assertThat(server.lastRequest().method()).isEqualTo("PATCH");
    assertThat(sentBody()).isEqualTo(json.readTree("{\"min_decryption_version\":2}"));
  }

  @Test
  void rotateKey_notPromoted_sendsPromoteFalse() throws IOException {
    server.on("POST", "/v1/keys/orders/rotate", 200, KEY_VIEW);

    client.rotateKey("orders", false);

    assertThat(sentBody()).isEqualTo(json.readTree("{\"promote\":false}"));
  }

  @Test
  void versionAction_scheduleDestroy_sendsPendingDaysToActionPath() throws IOException {
    server.on("POST", "/v1/keys/orders/versions/1/schedule-destroy", 200, KEY_VIEW);
    server.on("POST", "/v1/keys/orders/versions/1/retire", 200, KEY_VIEW);

    client.scheduleDestroy("orders", 1, 30);
    assertThat(sentBody()).isEqualTo(json.readTree("{\"pending_days\":30}"));
    client.versionAction("orders", 1, VersionAction.RETIRE);
    assertThat(server.lastRequest().body()).isEmpty();
  }

  @Test
  void keyName_withReservedCharacters_isPercentEncoded() {
    server.on("GET", "/v1/keys/a%2Fb%20c", 200, KEY_VIEW);

    assertThat(client.getKey("a/b c").name()).isEqualTo("orders");
  }

  @Test
  void listAllKeys_twoPages_followsNextAfter() {
    String page1 = "{\"keys\":[" + KEY_VIEW + "],\"next_after\":\"orders\"}";
    String page2 = "{\"keys\":[" + KEY_VIEW.replace("\"orders\"", "\"payroll\"") + "],\"next_after\":null}";
    server.on("GET", "/v1/keys", 200, page1);
    server.on("GET", "/v1/keys?after=orders", 200, page2);

    List<KeyView> keys = client.listAllKeys();

    assertThat(keys).extracting(KeyView::name).containsExactly("orders", "payroll");
    assertThat(RekeyClient.keysPath("x", 10)).isEqualTo("/v1/keys?after=x&limit=10");
  }

  @Test
  void encrypt_bytes_sentAsBase64_returnsCiphertextAndVersion() throws IOException {
    server.on("POST", "/v1/keys/orders/encrypt", 200, "{\"ciphertext\":\"rekey:v2:abc\",\"version\":2}");

    EncryptResponse response = client.encrypt("orders", "hello".getBytes(StandardCharsets.UTF_8),
        "ctx".getBytes(StandardCharsets.UTF_8));

    assertThat(sentBody()).isEqualTo(json.readTree("{\"plaintext\":\"" + b64("hello") + "\",\"context\":\"" + b64("ctx") + "\"}"));
    assertThat(response).isEqualTo(new EncryptResponse("rekey:v2:abc", 2));
  }

  @Test
  void decrypt_noContext_omitsContext_returnsPlaintextBytes() throws IOException {
    server.on("POST", "/v1/keys/orders/decrypt", 200, "{\"plaintext\":\"" + b64("hello") + "\",\"version\":1}");

    byte[] plaintext = client.decrypt("orders", "rekey:v1:xyz", null);

    assertThat(sentBody()).isEqualTo(json.readTree("{\"ciphertext\":\"rekey:v1:xyz\"}"));
    assertThat(new String(plaintext, StandardCharsets.UTF_8)).isEqualTo("hello");
  }

  @Test
  void rewrap_returnsNewCiphertext() throws IOException {
    server.on("POST", "/v1/keys/orders/rewrap", 200, "{\"ciphertext\":\"rekey:v3:n\",\"version\":3}");

    assertThat(client.rewrap("orders", "rekey:v1:o", null).version()).isEqualTo(3);
    assertThat(sentBody()).isEqualTo(json.readTree("{\"ciphertext\":\"rekey:v1:o\"}"));
  }

  @Test
  void encryptBatch_oneItemFails_resultsInOrderWithError() throws IOException {
    server.on("POST", "/v1/keys/orders/encrypt", 200, "{\"batch_results\":[{\"ciphertext\":\"rekey:v2:a\",\"version\":2},"
        + "{\"error\":{\"code\":\"invalid_request\",\"message\":\"bad item\"}}]}");

    List<EncryptResult> results = client.encryptBatch("orders",
        List.of(RekeyClient.encryptItem(new byte[] {1}, null), RekeyClient.encryptItem(new byte[] {2}, new byte[] {3})));

    assertThat(sentBody()).isEqualTo(json.readTree("{\"batch\":[{\"plaintext\":\"AQ==\"},{\"plaintext\":\"Ag==\",\"context\":\"Aw==\"}]}"));
    assertThat(results.get(0).ciphertext()).isEqualTo("rekey:v2:a");
    assertThat(results.get(1).error().code()).isEqualTo("invalid_request");
  }

  @Test
  void decryptBatch_results_decodePlaintext() {
    server.on("POST", "/v1/keys/orders/decrypt", 200, "{\"batch_results\":[{\"plaintext\":\"" + b64("a") + "\",\"version\":1},"
        + "{\"error\":{\"code\":\"decryption_failed\",\"message\":\"decryption failed\"}}]}");

    List<DecryptResult> results = client.decryptBatch("orders",
        List.of(RekeyClient.ciphertextItem("rekey:v1:a", null), RekeyClient.ciphertextItem("rekey:v1:b", null)));

    assertThat(RekeyClient.plaintextOf(results.get(0))).containsExactly('a');
    assertThat(results.get(1).toString()).doesNotContain(b64("a"));
    assertThatThrownBy(() -> RekeyClient.plaintextOf(results.get(1))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void generateDataKey_returnsPlaintextAndWrapped_toStringRedacted() throws IOException {
    String key = Base64.getEncoder().encodeToString(new byte[32]);
    server.on("POST", "/v1/keys/orders/datakey", 200, "{\"ciphertext\":\"rekey:v2:w\",\"plaintext\":\"" + key + "\",\"version\":2}");

    try (DataKey dataKey = client.generateDataKey("orders", null)) {
      assertThat(sentBody()).isEqualTo(json.readTree("{\"wrapped_only\":false}"));
      assertThat(dataKey.plaintext()).hasSize(32);
      assertThat(dataKey.ciphertext()).isEqualTo("rekey:v2:w");
      assertThat(dataKey.toString()).doesNotContain(key).contains("redacted");
    }
  }

  @Test
  void generateWrappedDataKey_sendsWrappedOnly_returnsCiphertext() throws IOException {
    server.on("POST", "/v1/keys/orders/datakey", 200, "{\"ciphertext\":\"rekey:v2:w\",\"version\":2}");

    assertThat(client.generateWrappedDataKey("orders", new byte[] {9}).ciphertext()).isEqualTo("rekey:v2:w");
    assertThat(sentBody()).isEqualTo(json.readTree("{\"wrapped_only\":true,\"context\":\"CQ==\"}"));
  }

  @Test
  void emergencyRewrap_postsToItsOwnOperation_returnsNewCiphertext() throws IOException {
    server.on("POST", "/v1/keys/orders/emergency-rewrap", 200, "{\"ciphertext\":\"rekey:v3:n\",\"version\":3}");

    assertThat(client.emergencyRewrap("orders", "rekey:v1:o", new byte[] {9}).version()).isEqualTo(3);
    assertThat(sentBody()).isEqualTo(json.readTree("{\"ciphertext\":\"rekey:v1:o\",\"context\":\"CQ==\"}"));
  }

  @Test
  void encryption_subClient_sendsWhatTheFacadeSends_returnsTheSameAnswer() throws IOException {
    server.on("POST", "/v1/keys/orders/encrypt", 200, "{\"ciphertext\":\"rekey:v2:abc\",\"version\":2}");

    EncryptResponse viaFacade = client.encrypt("orders", new byte[] {1}, new byte[] {2});
    JsonNode facadeBody = sentBody();
    EncryptResponse viaSubClient = client.encryption().encrypt("orders", new byte[] {1}, new byte[] {2});

    assertThat(server.count("POST", "/v1/keys/orders/encrypt")).isEqualTo(2);
    assertThat(sentBody()).isEqualTo(facadeBody);
    assertThat(viaSubClient).isEqualTo(viaFacade);
    client.withNamespace("other").encryption().encrypt("orders", new byte[] {1}, null);
    assertThat(server.lastRequest().header("X-Rekey-Namespace")).isEqualTo("other");
  }

  @Test
  void macAndVerify_sendMessageAndTag() throws IOException {
    server.on("POST", "/v1/keys/sig/mac", 200, "{\"mac\":\"rekey:v1:t\",\"version\":1}");
    server.on("POST", "/v1/keys/sig/mac/verify", 200, "{\"valid\":false}");

    assertThat(client.signing().mac("sig", new byte[] {1}).mac()).isEqualTo("rekey:v1:t");
    assertThat(client.signing().verifyMac("sig", new byte[] {1}, "rekey:v1:t")).isFalse();
    assertThat(sentBody()).isEqualTo(json.readTree("{\"message\":\"AQ==\",\"mac\":\"rekey:v1:t\"}"));
  }

  @Test
  void issueJwt_sendsClaimsAndIsoTtl_returnsJwtKidVersion() throws IOException {
    server.on("POST", "/v1/keys/sig/jwt", 200, "{\"jwt\":\"h.p.s\",\"kid\":\"sig-v3\",\"version\":3}");

    java.util.Map<String, Object> claims = new java.util.LinkedHashMap<>();
    claims.put("sub", "alice");
    claims.put("n", 2);
    JwtIssueResponse r = client.signing().issueJwt("sig", claims, java.time.Duration.ofHours(1));
    assertThat(r).isEqualTo(new JwtIssueResponse("h.p.s", "sig-v3", 3));
    assertThat(r.toString()).doesNotContain("h.p.s");
    assertThat(sentBody()).isEqualTo(json.readTree("{\"claims\":{\"sub\":\"alice\",\"n\":2},\"ttl\":\"PT1H\"}"));

    client.signing().issueJwt("sig", null, null);
    assertThat(sentBody()).isEqualTo(json.readTree("{}"));
  }

  @Test
  void verifyJwt_sendsTheToken_returnsValidityClaimsOrReason() throws IOException {
    server.on("POST", "/v1/keys/sig/jwt/verify", 200,
        "{\"valid\":true,\"kid\":\"sig-v1\",\"version\":1,\"claims\":{\"sub\":\"alice\",\"iat\":5}}");
    JwtVerifyResponse ok = client.signing().verifyJwt("sig", "h.p.s");
    assertThat(ok.valid()).isTrue();
    assertThat(ok.kid()).isEqualTo("sig-v1");
    assertThat(ok.version()).isEqualTo(1);
    assertThat(ok.claims()).containsEntry("sub", "alice").containsEntry("iat", 5);
    assertThat(sentBody()).isEqualTo(json.readTree("{\"jwt\":\"h.p.s\"}"));

    server.on("POST", "/v1/keys/sig/jwt/verify", 200, "{\"valid\":false,\"kid\":\"sig-v1\",\"version\":1,\"reason\":\"revoked\"}");
    JwtVerifyResponse no = client.signing().verifyJwt("sig", "h.p.s");
    assertThat(no.valid()).isFalse();
    assertThat(no.reason()).isEqualTo(JwtVerifyResponse.REVOKED);
    assertThat(no.claims()).isNull();
    assertThatThrownBy(() -> client.signing().verifyJwt("sig", null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void errorBody_mapsCodeStatusMessageAndRequestId() {
    server.on("POST", "/v1/keys/orders/versions/2/destroy", 409,
        "{\"error\":{\"code\":\"illegal_state\",\"message\":\"version 2 is primary\"}}");

    assertThatThrownBy(() -> client.versionAction("orders", 2, VersionAction.DESTROY))
        .isInstanceOfSatisfying(RekeyClientException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.ILLEGAL_STATE);
          assertThat(e.wireCode()).isEqualTo("illegal_state");
          assertThat(e.status()).isEqualTo(409);
          assertThat(e.getMessage()).isEqualTo("version 2 is primary");
          assertThat(e.requestId()).startsWith("req-");
        });
  }

  @Test
  void everyErrorCode_roundTripsThroughTheErrorBody() {
    for (ErrorCode code : ErrorCode.values()) {
      server.on("GET", "/v1/keys/k", 400, "{\"error\":{\"code\":\"" + code.wire() + "\",\"message\":\"m\"}}");
      assertThatThrownBy(() -> client.getKey("k"))
          .isInstanceOfSatisfying(RekeyClientException.class, e -> assertThat(e.code()).isEqualTo(code));
    }
  }

  @Test
  void unknownErrorCode_keepsWireCode_codeIsInternal() {
    server.on("GET", "/v1/keys/k", 429, "{\"error\":{\"code\":\"rate_limited\",\"message\":\"slow down\"}}");

    assertThatThrownBy(() -> client.getKey("k")).isInstanceOfSatisfying(RekeyClientException.class, e -> {
      assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
      assertThat(e.wireCode()).isEqualTo("rate_limited");
      assertThat(e.status()).isEqualTo(429);
    });
  }

  @Test
  void nonJsonErrorBody_codeFromStatus() {
    server.on("GET", "/v1/keys/k", 403, "<html>nope</html>");

    assertThatThrownBy(() -> client.getKey("k")).isInstanceOfSatisfying(RekeyClientException.class, e -> {
      assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN);
      assertThat(e.getMessage()).isEqualTo("HTTP 403 from " + server.address());
    });
  }

  @Test
  void noServer_throwsConnectionException_withoutToken() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    RekeyClient offline = RekeyClient.builder().address("http://127.0.0.1:" + port).token("rk_secret")
        .timeout(Duration.ofSeconds(5)).build();

    assertThatThrownBy(offline::sealStatus).isInstanceOfSatisfying(RekeyConnectionException.class, e -> {
      assertThat(e.wireCode()).isEqualTo(RekeyConnectionException.CONNECTION_FAILED);
      assertThat(e.status()).isZero();
      assertThat(e.getMessage()).doesNotContain("rk_secret");
    });
  }

  @Test
  void health_sealed503WithHealthBody_returnsIt() {
    server.on("GET", "/v1/health", 503, "{\"status\":\"sealed\",\"initialized\":true,\"sealed\":true,\"version\":\"0.1.0\"}");

    Health health = client.health();

    assertThat(health.status()).isEqualTo("sealed");
    assertThat(health.sealed()).isTrue();
  }

  @Test
  void health_503ErrorBody_throws() {
    server.on("GET", "/v1/health", 503, "{\"error\":{\"code\":\"sealed\",\"message\":\"sealed\"}}");

    assertThatThrownBy(client::health).isInstanceOfSatisfying(RekeyClientException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.SEALED));
  }

  @Test
  void initUnsealSeal_sendDocumentedBodies() throws IOException {
    server.on("POST", "/v1/sys/init", 200, "{\"shares\":[\"s1\",\"s2\"],\"root_token\":\"rk_root\"}");
    String status = "{\"initialized\":true,\"sealed\":true,\"seal_type\":\"shamir\",\"shares\":5,\"threshold\":3,\"progress\":1}";
    server.on("POST", "/v1/sys/unseal", 200, status);
    server.on("POST", "/v1/sys/seal", 204, null);

    InitResponse init = client.init(5, 3);
    assertThat(sentBody()).isEqualTo(json.readTree("{\"shares\":5,\"threshold\":3}"));
    assertThat(init.rootToken()).isEqualTo("rk_root");
    assertThat(init.toString()).doesNotContain("rk_root").doesNotContain("s1");

    SealStatus progress = client.unseal("s1");
    assertThat(sentBody()).isEqualTo(json.readTree("{\"share\":\"s1\"}"));
    assertThat(progress.sealType()).isEqualTo("shamir");
    assertThat(progress.progress()).isEqualTo(1);

    client.resetUnseal();
    assertThat(sentBody()).isEqualTo(json.readTree("{\"reset\":true}"));

    client.seal();
    assertThat(server.lastRequest().path()).isEqualTo("/v1/sys/seal");
  }

  @Test
  void createToken_sendsGrantsAndTtl_tokenRedactedInToString() throws IOException {
    server.on("POST", "/v1/auth/tokens", 201, "{\"token\":\"rk_new\",\"id\":\"t1\",\"principal\":\"billing\","
        + "\"grants\":[{\"role\":\"crypto-user\",\"namespace\":\"default\",\"keys\":\"billing-*\"}],"
        + "\"created_at\":\"x\",\"expires_at\":\"y\"}");

    TokenView token = client.createToken("billing",
        List.of(new GrantView("crypto-user", "default", "billing-*")), Duration.ofHours(24));

    assertThat(sentBody()).isEqualTo(json.readTree("{\"principal\":\"billing\",\"grants\":[{\"role\":\"crypto-user\","
        + "\"namespace\":\"default\",\"keys\":\"billing-*\"}],\"ttl\":\"PT24H\"}"));
    assertThat(token.token()).isEqualTo("rk_new");
    assertThat(token.toString()).doesNotContain("rk_new").contains("t1");
  }

  @Test
  void revokeToken_deletesById() {
    server.on("DELETE", "/v1/auth/tokens/t1", 204, null);

    client.revokeToken("t1");

    assertThat(server.lastRequest().method()).isEqualTo("DELETE");
  }

  @Test
  void auditVerifyAndRecords_parse() {
    server.on("GET", "/v1/audit/verify", 200, "{\"valid\":false,\"records\":10,\"checkpoints\":1,\"first_broken_seq\":7,\"reason\":\"hash mismatch\"}");
    server.on("GET", "/v1/audit/records?from=1&limit=2", 200, "{\"records\":[{\"seq\":1,\"time\":\"t\",\"request_id\":\"r\","
        + "\"principal\":\"root\",\"token_id\":\"tk\",\"action\":\"key.create\",\"namespace\":\"default\",\"key\":\"orders\","
        + "\"version\":1,\"outcome\":\"allowed\",\"error_code\":null,\"client_address\":\"127.0.0.1\",\"details\":{\"n\":1},"
        + "\"prev_hash\":\"p\",\"hash\":\"h\"}],\"next_from\":2}");

    AuditVerifyResponse verify = client.verifyAudit();
    AuditRecordList records = client.auditRecords(1L, 2);

    assertThat(verify.firstBrokenSeq()).isEqualTo(7L);
    assertThat(records.records().get(0).clientAddress()).isEqualTo("127.0.0.1");
    assertThat(records.records().get(0).details()).containsEntry("n", 1);
    assertThat(records.nextFrom()).isEqualTo(2L);
  }

  @Test
  void auditVerifyWithAnchor_postsTheAnchor_andReadsTheNewOne() throws Exception {
    String anchor = "{\"seq\":50,\"hash\":\"" + "ab".repeat(32) + "\",\"at\":\"2026-11-22T10:00:00.123456Z\","
        + "\"key_id\":\"ed25519:0123456789abcdef\",\"signature\":\"c2ln\"}";
    server.on("POST", "/v1/audit/verify", 200, "{\"valid\":true,\"records\":60,\"checkpoints\":2,"
        + "\"first_broken_seq\":null,\"reason\":null,\"anchor\":" + anchor.replace("50", "60") + "}");
    AuditAnchor kept = new AuditAnchor(50, "ab".repeat(32), "2026-11-22T10:00:00.123456Z", "ed25519:0123456789abcdef",
        "c2ln");

    AuditVerifyResponse verify = client.verifyAudit(kept);

    assertThat(verify.valid()).isTrue();
    assertThat(verify.anchor().seq()).isEqualTo(60);
    assertThat(json.readTree(server.lastRequest().body())).isEqualTo(json.readTree("{\"anchor\":" + anchor + "}"));
  }

  @Test
  void withNamespace_sendsOtherNamespaceHeader() {
    server.on("GET", "/v1/keys/orders", 200, KEY_VIEW);

    client.withNamespace("tenant-b").getKey("orders");

    assertThat(server.lastRequest().header("X-Rekey-Namespace")).isEqualTo("tenant-b");
  }

  @Test
  void fromEnvironment_readsAddressTokenNamespace() {
    server.on("GET", "/v1/keys/orders", 200, KEY_VIEW);
    RekeyClient env = RekeyClientBuilder.fromEnvironment(
        Map.of("REKEY_ADDR", server.address(), "REKEY_TOKEN", "rk_env", "REKEY_NAMESPACE", "ns1")).build();

    env.getKey("orders");

    assertThat(server.lastRequest().header("Authorization")).isEqualTo("Bearer rk_env");
    assertThat(env.namespace()).isEqualTo("ns1");
    assertThat(RekeyClientBuilder.fromEnvironment(Map.of()).build().address()).isEqualTo("http://127.0.0.1:8200");
  }

  @Test
  void noToken_sendsNoAuthorizationHeader() {
    server.on("GET", "/v1/sys/seal-status", 200, "{\"initialized\":false,\"sealed\":true}");

    RekeyClient.builder().address(server.address()).build().sealStatus();

    assertThat(server.lastRequest().header("Authorization")).isNull();
    assertThat(server.lastRequest().header("X-Rekey-Namespace")).isEqualTo("default");
  }

  @Test
  void toString_containsNoToken() {
    assertThat(client.toString()).doesNotContain("rk_secret").contains("redacted");
    assertThat(RekeyClient.builder().token("rk_secret").toString()).doesNotContain("rk_secret");
  }

  @Test
  void token_surroundingWhitespaceStripped_controlCharactersRefusedWithoutEchoingIt() {
    server.on("GET", "/v1/keys/orders", 200, KEY_VIEW);

    RekeyClient.builder().address(server.address()).token(" rk_secret\r\n").build().getKey("orders");

    assertThat(server.lastRequest().header("Authorization")).isEqualTo("Bearer rk_secret");
    assertThatThrownBy(() -> RekeyClient.builder().address(server.address()).token("rk_sec\nret").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("token")
        .hasMessageNotContaining("rk_sec");
    assertThatThrownBy(() -> RekeyClient.builder().address(server.address()).token("rk_s\u00e9cret").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("rk_s");
  }

  @Test
  void namespace_withControlCharacters_refusedWhenBuilt() {
    assertThatThrownBy(() -> RekeyClient.builder().address(server.address()).namespace("ns1\n").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("namespace");
    assertThatThrownBy(() -> client.withNamespace("ns1\r\nX-Evil: 1"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("namespace");
  }

  @Test
  void builder_invalidAddress_throwsWithHint() {
    assertThatThrownBy(() -> RekeyClient.builder().address("127.0.0.1:8200").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http://");
  }

  @Test
  void requestJson_returnsTheServersTree() {
    server.on("GET", "/v1/keys/orders", 200, KEY_VIEW);

    JsonNode tree = client.requestJson("GET", "/v1/keys/orders", null);

    assertThat(tree.get("some_future_field").asInt()).isEqualTo(42);
  }

  @Test
  void getKey_signingKey_readsJwksUrl_otherKeysHaveNone() {
    server.on("GET", "/v1/keys/jwt", 200, SIGNING_KEY_VIEW);
    server.on("GET", "/v1/keys/orders", 200, KEY_VIEW);

    assertThat(client.getKey("jwt").jwksUrl()).isEqualTo("/v1/jwks/tenant-a/jwt");
    assertThat(client.getKey("jwt").purpose()).isEqualTo("signing");
    assertThat(client.getKey("orders").jwksUrl()).isNull();
  }

  @Test
  void sign_message_sendsBase64MessageOnly_returnsSignatureAndVersion() throws IOException {
    server.on("POST", "/v1/keys/jwt/sign", 200, "{\"signature\":\"rekey:v2:c2ln\",\"version\":2}");

    SignResponse response = client.signing().sign("jwt", "hello".getBytes(StandardCharsets.UTF_8));

    assertThat(sentBody()).isEqualTo(json.readTree("{\"message\":\"" + b64("hello") + "\"}"));
    assertThat(server.lastRequest().header("Authorization")).isEqualTo("Bearer rk_secret");
    assertThat(server.lastRequest().header("X-Rekey-Namespace")).isEqualTo("tenant-a");
    assertThat(response).isEqualTo(new SignResponse("rekey:v2:c2ln", 2));
  }

  @Test
  void sign_emptyMessage_sentAsEmptyBase64() throws IOException {
    server.on("POST", "/v1/keys/jwt/sign", 200, "{\"signature\":\"rekey:v1:c2ln\",\"version\":1}");

    client.signing().sign("jwt", new byte[0]);

    assertThat(sentBody()).isEqualTo(json.readTree("{\"message\":\"\"}"));
  }

  @Test
  void signDigest_sendsDigestOnly() throws IOException {
    server.on("POST", "/v1/keys/es/sign", 200, "{\"signature\":\"rekey:v1:c2ln\",\"version\":1}");
    byte[] digest = new byte[32];
    digest[0] = 1;

    assertThat(client.signing().signDigest("es", digest).signature()).isEqualTo("rekey:v1:c2ln");
    assertThat(sentBody()).isEqualTo(json.readTree("{\"digest\":\"" + Base64.getEncoder().encodeToString(digest) + "\"}"));
  }

  @Test
  void sign_nullMessage_illegalArgument_nothingSent() {
    assertThatThrownBy(() -> client.signing().sign("jwt", null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> client.signing().verifyDigest("jwt", null, "rekey:v1:s")).isInstanceOf(IllegalArgumentException.class);
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void verify_valid_sendsMessageAndSignature_returnsVersion() throws IOException {
    server.on("POST", "/v1/keys/jwt/verify", 200, "{\"valid\":true,\"version\":1}");

    VerifyResponse response = client.signing().verify("jwt", "hello".getBytes(StandardCharsets.UTF_8), "rekey:v1:c2ln");

    assertThat(sentBody()).isEqualTo(json.readTree(
        "{\"message\":\"" + b64("hello") + "\",\"signature\":\"rekey:v1:c2ln\"}"));
    assertThat(response).isEqualTo(new VerifyResponse(true, 1, null));
  }

  @Test
  void verify_revokedVersion_validFalseWithReason_notAnException() {
    server.on("POST", "/v1/keys/jwt/verify", 200, "{\"valid\":false,\"version\":1,\"reason\":\"revoked\"}");

    VerifyResponse response = client.signing().verify("jwt", new byte[] {1}, "rekey:v1:c2ln");

    assertThat(response.valid()).isFalse();
    assertThat(response.reason()).isEqualTo(VerifyResponse.REVOKED);
    assertThat(response.version()).isEqualTo(1);
  }

  @Test
  void verify_unknownVersion_versionMayBeAbsent() {
    server.on("POST", "/v1/keys/jwt/verify", 200, "{\"valid\":false,\"reason\":\"unknown_version\"}");

    assertThat(client.signing().verify("jwt", new byte[] {1}, "rekey:v9:c2ln"))
        .isEqualTo(new VerifyResponse(false, null, VerifyResponse.UNKNOWN_VERSION));
  }

  @Test
  void verifyDigest_sendsDigestAndSignature() throws IOException {
    server.on("POST", "/v1/keys/es/verify", 200, "{\"valid\":true,\"version\":3}");

    assertThat(client.signing().verifyDigest("es", new byte[] {1, 2}, "rekey:v3:s").version()).isEqualTo(3);
    assertThat(sentBody()).isEqualTo(json.readTree("{\"digest\":\"AQI=\",\"signature\":\"rekey:v3:s\"}"));
  }

  @Test
  void publicKey_versionOptional_queryAndPemAndJwk() {
    String body = "{\"version\":2,\"algorithm\":\"EdDSA\",\"pem\":\"-----BEGIN PUBLIC KEY-----\\nMCow\\n-----END PUBLIC KEY-----\\n\","
        + "\"jwk\":" + JWK + "}";
    server.on("GET", "/v1/keys/jwt/public-key", 200, body);
    server.on("GET", "/v1/keys/jwt/public-key?version=1", 200, body.replace("\"version\":2", "\"version\":1"));

    PublicKeyView primary = client.signing().publicKey("jwt", null);
    assertThat(server.lastRequest().method()).isEqualTo("GET");
    assertThat(server.lastRequest().header("Authorization")).isEqualTo("Bearer rk_secret");
    PublicKeyView v1 = client.signing().publicKey("jwt", 1);

    assertThat(primary.version()).isEqualTo(2);
    assertThat(primary.algorithm()).isEqualTo("EdDSA");
    assertThat(primary.pem()).startsWith("-----BEGIN PUBLIC KEY-----\nMCow\n");
    assertThat(primary.jwk()).containsEntry("kid", "jwt-v1").containsEntry("crv", "Ed25519");
    assertThat(v1.version()).isEqualTo(1);
  }

  @Test
  void jwks_oneKeyAndNamespace_sentWithoutTokenOrNamespaceHeader() {
    server.on("GET", "/v1/jwks/other/jwt", 200, "{\"keys\":[" + JWK + "]}");
    server.on("GET", "/v1/jwks/other", 200, "{\"keys\":[" + JWK + "," + JWK.replace("jwt-v1", "jwt-v2") + "]}");

    Jwks one = client.signing().jwks("other", "jwt");
    FakeRekeyServer.Request first = server.lastRequest();
    Jwks all = client.signing().jwks("other");
    FakeRekeyServer.Request second = server.lastRequest();

    for (FakeRekeyServer.Request request : List.of(first, second)) {
      assertThat(request.method()).isEqualTo("GET");
      assertThat(request.header("Authorization")).isNull();
      assertThat(request.header("X-Rekey-Token")).isNull();
      assertThat(request.header("X-Rekey-Namespace")).isNull();
    }
    assertThat(one.keys()).singleElement().satisfies(k -> assertThat(k).containsEntry("kid", "jwt-v1"));
    assertThat(all.keys()).extracting(k -> k.get("kid")).containsExactly("jwt-v1", "jwt-v2");
  }

  @Test
  void jwks_clientWithoutToken_works_andReservedCharactersEncoded() {
    server.on("GET", "/v1/jwks/a%20b/x%2Fy", 200, "{\"keys\":[]}");

    Jwks jwks = RekeyClient.builder().address(server.address()).build().signing().jwks("a b", "x/y");

    assertThat(jwks.keys()).isEmpty();
    assertThat(server.lastRequest().header("Authorization")).isNull();
  }

  @Test
  void jwks_unknownKey_throwsNotFound() {
    assertThatThrownBy(() -> client.signing().jwks("other", "missing")).isInstanceOfSatisfying(RekeyClientException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
  }
}
