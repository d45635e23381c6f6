package dev.rekey.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rekey.client.FakeRekeyServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class RekeyCliTest {
  static final String KEY_VIEW = "{\"namespace\":\"default\",\"name\":\"orders\",\"type\":\"aes256-gcm\","
      + "\"purpose\":\"encryption\",\"primary_version\":2,\"latest_version\":2,\"min_decryption_version\":1,"
      + "\"min_encryption_version\":1,\"tags\":{\"team\":\"payments\"},\"created_at\":\"2026-11-22T10:00:00Z\","
      + "\"versions\":[{\"version\":1,\"state\":\"active\",\"created_at\":\"a\",\"state_changed_at\":\"b\",\"destroy_after\":null},"
      + "{\"version\":2,\"state\":\"primary\",\"created_at\":\"c\",\"state_changed_at\":\"d\",\"destroy_after\":null}],"
      + "\"some_future_field\":42}";
  static final String SIGNING_KEY_VIEW = "{\"namespace\":\"default\",\"name\":\"jwt\",\"type\":\"ed25519\","
      + "\"purpose\":\"signing\",\"primary_version\":1,\"latest_version\":1,\"min_decryption_version\":1,"
      + "\"min_encryption_version\":1,\"tags\":{},\"created_at\":\"2026-11-22T10:00:00Z\","
      + "\"versions\":[{\"version\":1,\"state\":\"primary\",\"created_at\":\"a\",\"state_changed_at\":\"b\",\"destroy_after\":null}],"
      + "\"jwks_url\":\"/v1/jwks/default/jwt\"}";
  static final String JWK = "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\","
      + "\"kid\":\"jwt-v1\",\"alg\":\"EdDSA\",\"use\":\"sig\"}";
  static final String PEM = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n"
      + "-----END PUBLIC KEY-----\n";
  static final String PUBLIC_KEY = "{\"version\":1,\"algorithm\":\"EdDSA\",\"pem\":\""
      + PEM.replace("\n", "\\n") + "\",\"jwk\":" + JWK + "}";
  static final String TOKEN = "rk_cli_secret";

  private final ObjectMapper json = new ObjectMapper();
  private FakeRekeyServer server;

  @BeforeEach
  void start() throws IOException {
    server = new FakeRekeyServer();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private CliRun rekeyWithStdin(String stdin, String... args) {
    String[] all = new String[args.length + 4];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--address";
    all[args.length + 1] = server.address();
    all[args.length + 2] = "--token";
    all[args.length + 3] = TOKEN;
    return CliRun.run(stdin.getBytes(StandardCharsets.UTF_8), all);
  }

  private CliRun rekey(String... args) {
    return rekeyWithStdin("", args);
  }

  private JsonNode sentBody() throws IOException {
    return json.readTree(server.lastRequest().body());
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void keyCreate_typeAndTags_sendsBodyAndPrintsSummary() throws IOException {
    server.on("POST", "/v1/keys", 201, KEY_VIEW);

    CliRun run = rekey("key", "create", "orders", "--type", "aes256-gcm", "--tag", "team=payments", "--tag", "env=prod");

    assertThat(run.exit).as(run.toString()).isZero();
    assertThat(sentBody()).isEqualTo(json.readTree(
        "{\"name\":\"orders\",\"type\":\"aes256-gcm\",\"tags\":{\"team\":\"payments\",\"env\":\"prod\"}}"));
    assertThat(run.out()).isEqualTo("Created key orders: primary v2, latest v2\n");
    assertThat(server.lastRequest().header("Authorization")).isEqualTo("Bearer " + TOKEN);
  }

  @Test
  void globalOptions_beforeTheSubcommand_areUsed() {
    server.on("GET", "/v1/keys/orders", 200, KEY_VIEW);

    CliRun run = CliRun.run(new byte[0], "--address", server.address(), "--token", "rk_x", "--namespace", "ns1",
        "key", "show", "orders");

    assertThat(run.exit).as(run.toString()).isZero();
    assertThat(server.lastRequest().header("X-Rekey-Namespace")).isEqualTo("ns1");
    assertThat(server.lastRequest().header("Authorization")).isEqualTo("Bearer rk_x");
  }

  @Test
  void globalOptions_afterTheSubcommand_areUsed() {
    server.on("GET", "/v1/keys/orders", 200, KEY_VIEW);

    CliRun run = rekey("key", "show", "orders", "--namespace", "ns2");

    assertThat(run.exit).as(run.toString()).isZero();
    assertThat(server.lastRequest().header("X-Rekey-Namespace")).isEqualTo("ns2");
  }

  @Test
  void keyShow_human_printsKeyAndVersionTable() {
    server.on("GET", "/v1/keys/orders", 200, KEY_VIEW);

    CliRun run = rekey("key", "show", "orders");

    assertThat(run.out()).contains("name:           orders", "primary:        v2  (latest v2)", "tags:           team=payments")
        .contains("VERSION  STATE    CREATED  STATE-CHANGED  DESTROY-AFTER\nv1       active   a        b              -\n");
  }

  @Test
  void keyShow_json_printsTheServersJsonPretty() throws IOException {
    server.on("GET", "/v1/keys/orders", 200, KEY_VIEW);

    CliRun run = rekey("key", "show", "orders", "--json");

    assertThat(json.readTree(run.out())).isEqualTo(json.readTree(KEY_VIEW));
    assertThat(run.out()).contains("\n  \"name\" : \"orders\"");
  }

  @Test
  void keyList_twoPages_listsAllInTableAndJson() throws IOException {
    server.on("GET", "/v1/keys", 200, "{\"keys\":[" + KEY_VIEW + "],\"next_after\":\"orders\"}");
    server.on("GET", "/v1/keys?after=orders", 200,
        "{\"keys\":[" + KEY_VIEW.replace("\"orders\"", "\"payroll\"") + "],\"next_after\":null}");

    CliRun table = rekey("key", "list");
    CliRun raw = rekey("key", "list", "--json");

    assertThat(table.out()).startsWith("NAME     TYPE        PRIMARY  LATEST  MIN-DECRYPT  TAGS\n")
        .contains("orders   aes256-gcm  v2       v2      v1           team=payments\n", "payroll");
    assertThat(json.readTree(raw.out()).path("keys")).hasSize(2);
  }

  @Test
  void keyRotate_pending_sendsPromoteFalse() throws IOException {
    server.on("POST", "/v1/keys/orders/rotate", 200, KEY_VIEW);

    assertThat(rekey("key", "rotate", "orders", "--pending").exit).isZero();
    assertThat(sentBody()).isEqualTo(json.readTree("{\"promote\":false}"));
  }

  @Test
  void keyUpdate_minVersions_sendsPatch() throws IOException {
    server.on("PATCH", "/v1/keys/orders", 200, KEY_VIEW);

    CliRun run = rekey("key", "update", "orders", "--min-decryption-version", "2");

    assertThat(run.exit).as(run.toString()).isZero();
    assertThat(sentBody()).isEqualTo(json.readTree("{\"min_decryption_version\":2}"));
  }

  @Test
  void keyUpdate_nothingGiven_usageErrorExit2() {
    CliRun run = rekey("key", "update", "orders");

    assertThat(run.exit).isEqualTo(2);
    assertThat(run.err).contains("nothing to update");
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void keyVersion_scheduleDestroy_sendsPendingDays() throws IOException {
    server.on("POST", "/v1/keys/orders/versions/1/schedule-destroy", 200, KEY_VIEW);

    CliRun run = rekey("key", "version", "schedule-destroy", "orders", "1", "--pending-days", "30");

    assertThat(run.exit).as(run.toString()).isZero();
    assertThat(sentBody()).isEqualTo(json.readTree("{\"pending_days\":30}"));
    assertThat(run.out()).startsWith("Applied schedule-destroy to version 1 of key orders");
  }

  @Test
  void keyVersion_unknownAction_usageErrorExit2() {
    CliRun run = rekey("key", "version", "explode", "orders", "1");

    assertThat(run.exit).isEqualTo(2);
    assertThat(run.err).contains("unknown action 'explode'");
  }

  @Test
  void secretVersion_unknownActionOrMisplacedPendingDays_usageErrorExit2_nothingSent() {
    CliRun unknown = rekey("secret", "version", "explode", "db-url", "1");
    CliRun pendingDays = rekey("secret", "version", "disable", "db-url", "1", "--pending-days", "3");

    assertThat(unknown.exit).as(unknown.toString()).isEqualTo(2);
    assertThat(unknown.err).contains("unknown action 'explode'").contains("Usage: rekey secret version ")
        .doesNotContain("internal").doesNotContain("Exception");
    assertThat(pendingDays.exit).as(pendingDays.toString()).isEqualTo(2);
    assertThat(pendingDays.err).contains("--pending-days applies to schedule-destroy only");
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void secretGuardrail_oneRuleGiven_keepsTheOther() throws IOException {
    server.on("GET", "/v1/secret-guardrail", 200,
        "{\"namespace\":\"default\",\"require_expiry\":true,\"max_lifetime\":\"P90D\"}");
    server.on("PUT", "/v1/secret-guardrail", r -> new FakeRekeyServer.Reply(200, r.body()));

    CliRun lifetime = rekey("secret", "guardrail", "--max-lifetime", "P60D");
    JsonNode lifetimeSent = sentBody();
    CliRun require = rekey("secret", "guardrail", "--require-expiry=false");
    JsonNode requireSent = sentBody();
    CliRun none = rekey("secret", "guardrail", "--require-expiry", "--max-lifetime", "none");
    JsonNode noneSent = sentBody();

    assertThat(lifetime.exit).as(lifetime.toString()).isZero();
    assertThat(lifetimeSent.path("require_expiry").asBoolean()).isTrue();
    assertThat(Duration.parse(lifetimeSent.path("max_lifetime").asText())).isEqualTo(Duration.ofDays(60));
    assertThat(require.exit).as(require.toString()).isZero();
    assertThat(requireSent.path("require_expiry").asBoolean()).isFalse();
    assertThat(Duration.parse(requireSent.path("max_lifetime").asText())).isEqualTo(Duration.ofDays(90));
    assertThat(none.exit).as(none.toString()).isZero();
    assertThat(noneSent.path("require_expiry").asBoolean()).isTrue();
    assertThat(noneSent.path("max_lifetime").isMissingNode() || noneSent.path("max_lifetime").isNull()).isTrue();
  }

  @Test
  void usageErrorsOfMethodSubcommands_showThatCommandsUsage() {
    CliRun version = rekey("key", "version", "explode", "orders", "1");
    CliRun update = rekey("key", "update", "orders");
    CliRun address = CliRun.run(new byte[0], "key", "list", "--address", "localhost:8200");

    assertThat(version.exit).isEqualTo(2);
    assertThat(version.err).contains("Usage: rekey key version ").doesNotContain("Usage: rekey key [");
    assertThat(update.err).contains("Usage: rekey key update ").doesNotContain("Usage: rekey key [");
    assertThat(address.exit).isEqualTo(2);
    assertThat(address.err).contains("Usage: rekey key list ").doesNotContain("Usage: rekey key [");
  }

  @Test
  void keyEmergencyRotate_postsToEndpoint() throws IOException {
    server.on("POST", "/v1/keys/orders/emergency-rotate", 200, KEY_VIEW.replace(
        "{\"version\":1,\"state\":\"active\",\"created_at\":\"a\",\"state_changed_at\":\"b\"",
        "{\"version\":1,\"state\":\"revoked\",\"created_at\":\"a\",\"state_changed_at\":\"2026-11-22T10:00:00Z\""));

    assertThat(rekey("key", "emergency-rotate", "orders").out())
        .isEqualTo("Emergency-rotated key orders: v1 revoked, primary v2, latest v2" + System.lineSeparator());
    assertThat(server.lastRequest().body()).as("no version named: the server takes the primary").isNullOrEmpty();

    assertThat(rekey("key", "emergency-rotate", "orders", "--version", "3").out()).startsWith("Emergency-rotated");
    assertThat(sentBody().get("version").asInt()).isEqualTo(3);
    assertThat(rekey("key", "emergency-rotate", "orders", "--version", "0").exit).isEqualTo(2);
  }

  @Test
  void encrypt_stdinWithContext_printsCiphertextLine() throws IOException {
    server.on("POST", "/v1/keys/orders/encrypt", 200, "{\"ciphertext\":\"rekey:v2:abc\",\"version\":2}");

    CliRun run = rekeyWithStdin("hello\n", "encrypt", "orders", "--context", "tenant=1");

    assertThat(run.out()).isEqualTo("rekey:v2:abc\n");
    assertThat(sentBody()).isEqualTo(json.readTree(
        "{\"plaintext\":\"" + b64("hello\n") + "\",\"context\":\"" + b64("tenant=1") + "\"}"));
  }

  @Test
  void decrypt_trimmedStdin_writesRawBytes() throws IOException {
    byte[] binary = {0, (byte) 0xff, 10, 65};
    server.on("POST", "/v1/keys/orders/decrypt", 200,
        "{\"plaintext\":\"" + Base64.getEncoder().encodeToString(binary) + "\",\"version\":1}");

    CliRun run = rekeyWithStdin("  rekey:v1:xyz \n", "decrypt", "orders");

    assertThat(run.stdout).containsExactly(binary);
    assertThat(sentBody()).isEqualTo(json.readTree("{\"ciphertext\":\"rekey:v1:xyz\"}"));
  }

  @Test
  void decrypt_emptyStdin_usageErrorExit2() {
    CliRun run = rekeyWithStdin("", "decrypt", "orders");

    assertThat(run.exit).isEqualTo(2);
    assertThat(run.err).contains("expected a ciphertext on standard input");
  }

  @Test
  void rewrap_stdin_printsNewCiphertext() {
    server.on("POST", "/v1/keys/orders/rewrap", 200, "{\"ciphertext\":\"rekey:v3:n\",\"version\":3}");

    assertThat(rekeyWithStdin("rekey:v1:o\n", "rewrap", "orders").out()).isEqualTo("rekey:v3:n\n");
  }

  @Test
  void datakey_default_printsWrappedThenPlaintextLine() {
    String key = Base64.getEncoder().encodeToString(new byte[32]);
    server.on("POST", "/v1/keys/orders/datakey", 200,
        "{\"ciphertext\":\"rekey:v2:w\",\"plaintext\":\"" + key + "\",\"version\":2}");

    assertThat(rekey("datakey", "orders").out()).isEqualTo("rekey:v2:w\n" + key + "\n");
  }

  @Test
  void datakey_wrappedOnly_printsOneLine() throws IOException {
    server.on("POST", "/v1/keys/orders/datakey", 200, "{\"ciphertext\":\"rekey:v2:w\",\"version\":2}");

    assertThat(rekey("datakey", "orders", "--wrapped-only").out()).isEqualTo("rekey:v2:w\n");
    assertThat(sentBody()).isEqualTo(json.readTree("{\"wrapped_only\":true}"));
  }

  @Test
  void macAndMacVerify_exitCodesFollowValidity() {
    server.on("POST", "/v1/keys/sig/mac", 200, "{\"mac\":\"rekey:v1:t\",\"version\":1}");
    server.on("POST", "/v1/keys/sig/mac/verify", 200, "{\"valid\":true}");

    assertThat(rekeyWithStdin("msg", "mac", "sig").out()).isEqualTo("rekey:v1:t\n");
    CliRun valid = rekeyWithStdin("msg", "mac-verify", "sig", "--mac", "rekey:v1:t");
    server.on("POST", "/v1/keys/sig/mac/verify", 200, "{\"valid\":false}");
    CliRun invalid = rekeyWithStdin("msg", "mac-verify", "sig", "--mac", "rekey:v1:t");

    assertThat(valid.exit).isZero();
    assertThat(valid.out()).isEqualTo("valid\n");
    assertThat(invalid.exit).isEqualTo(RekeyCli.EXIT_NEGATIVE);
    assertThat(invalid.out()).isEqualTo("invalid\n");
  }

  @Test
  void auditVerify_broken_printsSeqAndReason_exit3() {
    server.on("GET", "/v1/audit/verify", 200,
        "{\"valid\":false,\"records\":10,\"checkpoints\":1,\"first_broken_seq\":7,\"reason\":\"hash mismatch\"}");

    CliRun run = rekey("audit", "verify");

    assertThat(run.exit).isEqualTo(AuditCommands.BROKEN);
    assertThat(run.out()).isEqualTo("Audit trail BROKEN at seq 7: hash mismatch\n");
    assertThat(rekey("audit", "verify", "--json").exit).isEqualTo(AuditCommands.BROKEN);
  }

  @Test
  void auditVerify_intact_exit0() {
    server.on("GET", "/v1/audit/verify", 200,
        "{\"valid\":true,\"records\":10,\"checkpoints\":1,\"first_broken_seq\":null,\"reason\":null}");

    CliRun run = rekey("audit", "verify");

    assertThat(run.exit).isZero();
    assertThat(run.out()).isEqualTo("Audit trail intact: 10 records, 1 checkpoints\n");
  }

  @Test
  void auditList_fromAndLimit_queryAndTable() {
    server.on("GET", "/v1/audit/records?from=5&limit=1", 200, "{\"records\":[{\"seq\":5,\"time\":\"t\","
        + "\"principal\":\"root\",\"action\":\"key.create\",\"namespace\":\"default\",\"key\":\"orders\",\"version\":1,"
        + "\"outcome\":\"allowed\",\"error_code\":null}],\"next_from\":6}");

    CliRun run = rekey("audit", "list", "--from", "5", "--limit", "1");

    assertThat(run.out()).contains("5    t     root       key.create  default    orders  v1       allowed  -\n")
        .endsWith("more: --from 6\n");
  }

  @Test
  void tokenCreate_grants_sendsBodyAndPrintsToken() throws IOException {
    server.on("POST", "/v1/auth/tokens", 201, "{\"token\":\"rk_new\",\"id\":\"t1\",\"principal\":\"billing\","
        + "\"grants\":[{\"role\":\"crypto-user\",\"namespace\":\"default\",\"keys\":\"billing-*\"}],\"created_at\":\"x\"}");

    CliRun run = rekey("token", "create", "--principal", "billing", "--grant", "crypto-user:default:billing-*",
        "--ttl", "PT24H");

    assertThat(run.exit).as(run.toString()).isZero();
    assertThat(sentBody()).isEqualTo(json.readTree("{\"principal\":\"billing\",\"grants\":[{\"role\":\"crypto-user\","
        + "\"namespace\":\"default\",\"keys\":\"billing-*\"}],\"ttl\":\"PT24H\"}"));
    assertThat(run.out()).startsWith("token:      rk_new\nid:         t1\n")
        .contains("grants:     crypto-user:default:billing-*");
  }

  @Test
  void tokenCreate_malformedGrantOrTtl_usageErrorExit2() {
    assertThat(rekey("token", "create", "--principal", "p", "--grant", "admin:default").exit).isEqualTo(2);
    assertThat(rekey("token", "create", "--principal", "p", "--grant", "admin:d:*", "--ttl", "1 day").exit).isEqualTo(2);
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void tokenSelfAndList_neverPrintTheCallersToken() {
    String info = "{\"id\":\"t1\",\"principal\":\"root\",\"grants\":[],\"created_at\":\"x\",\"expires_at\":null}";
    server.on("GET", "/v1/auth/tokens/self", 200, info);
    server.on("GET", "/v1/auth/tokens", 200, "{\"tokens\":[" + info + "]}");

    CliRun self = rekey("token", "self");
    CliRun list = rekey("token", "list");

    assertThat(self.out()).contains("id:         t1").doesNotContain(TOKEN);
    assertThat(list.out()).contains("t1  root").doesNotContain(TOKEN);
  }

  @Test
  void tokenRevoke_deletes() {
    server.on("DELETE", "/v1/auth/tokens/t1", 204, null);

    assertThat(rekey("token", "revoke", "t1").out()).isEqualTo("Revoked token t1\n");
  }

  @Test
  void operatorInit_printsSharesAndRootToken() throws IOException {
    server.on("POST", "/v1/sys/init", 200, "{\"shares\":[\"s1\",\"s2\",\"s3\"],\"root_token\":\"rk_root\"}");

    CliRun run = rekey("operator", "init", "--shares", "3", "--threshold", "2");

    assertThat(sentBody()).isEqualTo(json.readTree("{\"shares\":3,\"threshold\":2}"));
    assertThat(run.out()).startsWith("Unseal share 1: s1\nUnseal share 2: s2\nUnseal share 3: s3\nRoot token: rk_root\n");
  }

  @Test
  void operatorUnseal_shareFromStdin_printsProgress() throws IOException {
    server.on("POST", "/v1/sys/unseal", 200,
        "{\"initialized\":true,\"sealed\":true,\"seal_type\":\"shamir\",\"shares\":3,\"threshold\":2,\"progress\":1}");

    CliRun run = rekeyWithStdin("s1\n", "operator", "unseal");

    assertThat(sentBody()).isEqualTo(json.readTree("{\"share\":\"s1\"}"));
    assertThat(run.out()).contains("progress:     1/2");
  }

  @Test
  void operatorSealAndRotateRoot_callEndpoints() {
    server.on("POST", "/v1/sys/seal", 204, null);
    server.on("POST", "/v1/sys/rotate-root", 200, "{\"root_key_id\":\"root-2\",\"rewrapped_keys\":12}");

    assertThat(rekey("operator", "seal").out()).isEqualTo("Sealed.\n");
    assertThat(rekey("operator", "rotate-root").out()).isEqualTo("Root key rotated: root-2, 12 keys rewrapped\n");
  }

  @Test
  void status_sealedServer_showsHealthAndSeal() throws IOException {
    server.on("GET", "/v1/health", 503, "{\"status\":\"sealed\",\"initialized\":true,\"sealed\":true,\"version\":\"0.1.0\"}");
    server.on("GET", "/v1/sys/seal-status", 200,
        "{\"initialized\":true,\"sealed\":true,\"seal_type\":\"shamir\",\"shares\":5,\"threshold\":3,\"progress\":0}");

    CliRun human = rekey("status");
    CliRun raw = rekey("status", "--json");

    assertThat(human.exit).isZero();
    assertThat(human.out()).contains("status:       sealed", "progress:     0/3");
    assertThat(json.readTree(raw.out()).path("seal_status").path("threshold").asInt()).isEqualTo(3);
  }

  @Test
  void status_fileSeal_showsNoSharesLine() {
    server.on("GET", "/v1/health", 200, "{\"status\":\"ok\",\"initialized\":true,\"sealed\":false,\"version\":\"0.1.0\"}");
    server.on("GET", "/v1/sys/seal-status", 200,
        "{\"initialized\":true,\"sealed\":false,\"seal_type\":\"file\",\"shares\":0,\"threshold\":0,\"progress\":0}");

    CliRun human = rekey("status");

    assertThat(human.exit).isZero();
    assertThat(human.out()).contains("seal type:    file").doesNotContain("shares:");
  }

  @Test
  void serverError_printsOneLineWithCode_exit1() {
    server.on("POST", "/v1/keys/orders/versions/2/destroy", 409,
        "{\"error\":{\"code\":\"illegal_state\",\"message\":\"version 2 is primary\"}}");

    CliRun run = rekey("key", "version", "destroy", "orders", "2");

    assertThat(run.exit).isEqualTo(1);
    assertThat(run.err).isEqualTo("Error: version 2 is primary (illegal_state)\n");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void noServer_connectionFailed_exit1WithoutToken() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }

    CliRun run = CliRun.run(new byte[0], "key", "list", "--address", "http://127.0.0.1:" + port, "--token", TOKEN);

    assertThat(run.exit).isEqualTo(1);
    assertThat(run.err).startsWith("Error: cannot connect to http://127.0.0.1:" + port).endsWith("(connection_failed)\n")
        .doesNotContain(TOKEN);
  }

  @Test
  void badAddress_usageErrorExit2() {
    CliRun run = CliRun.run(new byte[0], "key", "list", "--address", "localhost:8200");

    assertThat(run.exit).isEqualTo(2);
    assertThat(run.err).contains("http://");
  }

  @Test
  void textAndJsonOutput_nonUtf8LocaleStreams_stillUtf8() throws IOException {
    server.on("POST", "/v1/keys/jwt/jwt/verify", 200,
        "{\"valid\":true,\"kid\":\"jwt-v1\",\"version\":1,\"claims\":{\"name\":\"J\u00fcrgen \u2713\"}}");
    server.on("GET", "/v1/keys/orders", 404,
        "{\"error\":{\"code\":\"not_found\",\"message\":\"no key 'orders' in namespace 'caf\u00e9'\"}}");
    String[] common = {"--address", server.address(), "--token", TOKEN};

    CliRun verify = CliRun.run(StandardCharsets.US_ASCII, "h.p.s".getBytes(StandardCharsets.UTF_8),
        concat(new String[] {"jwt", "verify", "jwt"}, common));
    CliRun show = CliRun.run(StandardCharsets.US_ASCII, new byte[0], concat(new String[] {"key", "show", "orders"}, common));

    assertThat(verify.exit).as(verify.toString()).isZero();
    assertThat(json.readTree(verify.out()).path("name").asText()).isEqualTo("J\u00fcrgen \u2713");
    assertThat(show.err).isEqualTo("Error: no key 'orders' in namespace 'caf\u00e9' (not_found)\n");
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  @Test
  void token_lineEndDropped_controlCharacterUsageErrorWithoutTheToken() {
    server.on("GET", "/v1/keys/orders", 200, KEY_VIEW);

    CliRun crlf = CliRun.run(new byte[0], "key", "show", "orders", "--address", server.address(), "--token", "rk_cli\r\n");
    String sentAuthorization = server.lastRequest().header("Authorization");
    CliRun broken = CliRun.run(new byte[0], "key", "show", "orders", "--address", server.address(),
        "--token", "rk_cli\nsecret");

    assertThat(crlf.exit).as(crlf.toString()).isZero();
    assertThat(sentAuthorization).isEqualTo("Bearer rk_cli");
    assertThat(broken.exit).as(broken.toString()).isEqualTo(2);
    assertThat(broken.err).contains("token contains").doesNotContain("rk_cli").doesNotContain("internal");
  }

  @Test
  void decrypt_stdoutCannotBeWritten_errorLineExit1() {
    server.on("POST", "/v1/keys/orders/decrypt", 200, "{\"plaintext\":\"" + b64("card 4111") + "\",\"version\":1}");
    java.io.OutputStream full = new java.io.OutputStream() {
      @Override
      public void write(int b) throws IOException {
        throw new IOException("No space left on device");
      }
    };
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();

    int exit = RekeyCli.newCommandLine(new java.io.ByteArrayInputStream("rekey:v1:x".getBytes(StandardCharsets.UTF_8)),
            new java.io.PrintStream(full, true), new java.io.PrintStream(err, true, StandardCharsets.UTF_8))
        .execute("decrypt", "orders", "--address", server.address(), "--token", TOKEN);

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("Error: cannot write to standard output (io)\n");
  }

  @Test
  void unknownCommand_usageErrorExit2() {
    assertThat(rekey("frobnicate").exit).isEqualTo(2);
  }

  @Command(name = "server")
  static final class FakeServerCommand implements java.util.concurrent.Callable<Integer> {
    @Override
    public Integer call() {
      return 42;
    }
  }

  @Test
  void newCommandLine_launcherAddsServerSubcommand_runs() {
    CommandLine cl = RekeyCli.newCommandLine();
    cl.addSubcommand(new FakeServerCommand());

    assertThat(cl.execute("server")).isEqualTo(42);
  }

  @Test
  void keyCreate_signingType_passedThroughAsGiven() throws IOException {
    server.on("POST", "/v1/keys", 201, SIGNING_KEY_VIEW);

    CliRun run = rekey("key", "create", "jwt", "--type", "ed25519");

    assertThat(run.exit).as(run.toString()).isZero();
    assertThat(sentBody()).isEqualTo(json.readTree("{\"name\":\"jwt\",\"type\":\"ed25519\"}"));
    assertThat(run.out()).isEqualTo("Created key jwt: primary v1, latest v1\n");
  }

  @Test
  void keyShow_signingKey_printsJwksUrlLine_otherKeysDoNot() {
    server.on("GET", "/v1/keys/jwt", 200, SIGNING_KEY_VIEW);
    server.on("GET", "/v1/keys/orders", 200, KEY_VIEW);

    CliRun signing = rekey("key", "show", "jwt");
    CliRun encryption = rekey("key", "show", "orders");

    assertThat(signing.out()).contains("type:           ed25519 (signing)\n")
        .contains("created:        2026-11-22T10:00:00Z\njwks url:       /v1/jwks/default/jwt\n");
    assertThat(encryption.out()).doesNotContain("jwks");
  }

  @Test
  void sign_stdinBytes_sentAsBase64Message_printsSignatureLine() throws IOException {
    server.on("POST", "/v1/keys/jwt/sign", 200, "{\"signature\":\"rekey:v1:c2ln\",\"version\":1}");

    CliRun run = CliRun.run(new byte[] {0, (byte) 0xff, '\n'}, "sign", "jwt", "--address", server.address(), "--token", TOKEN);

    assertThat(run.exit).as(run.toString()).isZero();
    assertThat(run.out()).isEqualTo("rekey:v1:c2ln\n");
    assertThat(run.err).isEmpty();
    assertThat(sentBody()).isEqualTo(json.readTree("{\"message\":\"AP8K\"}"));
    assertThat(server.lastRequest().header("Authorization")).isEqualTo("Bearer " + TOKEN);
  }

  @Test
  void sign_digestHex_sendsDigestAndIgnoresStdin() throws IOException {
    server.on("POST", "/v1/keys/es/sign", 200, "{\"signature\":\"rekey:v2:c2ln\",\"version\":2}");

    CliRun run = rekeyWithStdin("not read", "sign", "es", "--digest-hex", "00FFa1");

    assertThat(run.exit).as(run.toString()).isZero();
    assertThat(run.out()).isEqualTo("rekey:v2:c2ln\n");
    assertThat(sentBody()).isEqualTo(json.readTree("{\"digest\":\"AP+h\"}"));
  }

  @Test
  void sign_malformedDigestHex_usageErrorExit2_nothingSent() {
    CliRun odd = rekey("sign", "es", "--digest-hex", "abc");
    CliRun notHex = rekey("sign", "es", "--digest-hex", "zz");

    assertThat(odd.exit).isEqualTo(2);
    assertThat(odd.err).contains("--digest-hex");
    assertThat(notHex.exit).isEqualTo(2);
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void sign_serverRefusesDigestForEd25519_errorLineExit1() {
    server.on("POST", "/v1/keys/jwt/sign", 400,
        "{\"error\":{\"code\":\"unsupported_operation\",\"message\":\"ed25519 keys sign messages, not digests\"}}");

    CliRun run = rekey("sign", "jwt", "--digest-hex", "00");

    assertThat(run.exit).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err).isEqualTo("Error: ed25519 keys sign messages, not digests (unsupported_operation)\n");
  }

  @Test
  void verify_valid_sendsMessageAndSignature_printsValidWithVersion_exit0() throws IOException {
    server.on("POST", "/v1/keys/jwt/verify", 200, "{\"valid\":true,\"version\":1}");

    CliRun run = rekeyWithStdin("msg", "verify", "jwt", "--signature", " rekey:v1:c2ln\n");

    assertThat(run.exit).as(run.toString()).isZero();
    assertThat(run.out()).isEqualTo("valid (v1)\n");
    assertThat(sentBody()).isEqualTo(json.readTree(
        "{\"message\":\"" + b64("msg") + "\",\"signature\":\"rekey:v1:c2ln\"}"));
  }

  @Test
  void verify_invalid_printsReason_exit3() {
    server.on("POST", "/v1/keys/jwt/verify", 200, "{\"valid\":false,\"version\":1,\"reason\":\"revoked\"}");

    CliRun run = rekeyWithStdin("msg", "verify", "jwt", "--signature", "rekey:v1:c2ln");

    assertThat(run.exit).isEqualTo(RekeyCli.EXIT_NEGATIVE);
    assertThat(run.out()).isEqualTo("invalid: revoked\n");
    assertThat(run.err).isEmpty();
  }

  @Test
  void verify_json_printsTheServersJson_exitFollowsValidity() throws IOException {
    String invalid = "{\"valid\":false,\"version\":2,\"reason\":\"invalid_signature\"}";
    server.on("POST", "/v1/keys/jwt/verify", 200, invalid);
    CliRun bad = rekeyWithStdin("msg", "verify", "jwt", "--signature", "rekey:v2:c2ln", "--json");
    server.on("POST", "/v1/keys/jwt/verify", 200, "{\"valid\":true,\"version\":2}");
    CliRun good = rekeyWithStdin("msg", "verify", "jwt", "--signature", "rekey:v2:c2ln", "--json");

    assertThat(bad.exit).isEqualTo(RekeyCli.EXIT_NEGATIVE);
    assertThat(json.readTree(bad.out())).isEqualTo(json.readTree(invalid));
    assertThat(good.exit).isZero();
    assertThat(json.readTree(good.out()).path("version").asInt()).isEqualTo(2);
  }

  @Test
  void verify_digestHex_sendsDigest() throws IOException {
    server.on("POST", "/v1/keys/es/verify", 200, "{\"valid\":true,\"version\":3}");

    CliRun run = rekey("verify", "es", "--digest-hex", "0102", "--signature", "rekey:v3:s");

    assertThat(run.out()).isEqualTo("valid (v3)\n");
    assertThat(sentBody()).isEqualTo(json.readTree("{\"digest\":\"AQI=\",\"signature\":\"rekey:v3:s\"}"));
  }

  @Test
  void verify_withoutSignature_usageErrorExit2() {
    CliRun run = rekeyWithStdin("msg", "verify", "jwt");

    assertThat(run.exit).isEqualTo(2);
    assertThat(run.err).contains("--signature");
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void keyPublicKey_default_printsPemOnce() {
    server.on("GET", "/v1/keys/jwt/public-key", 200, PUBLIC_KEY);

    CliRun run = rekey("key", "public-key", "jwt");

    assertThat(run.exit).as(run.toString()).isZero();
    assertThat(run.out()).isEqualTo(PEM);
  }

  @Test
  void keyPublicKey_versionAndJwk_queryAndPrintsJwkJson() throws IOException {
    server.on("GET", "/v1/keys/jwt/public-key?version=1", 200, PUBLIC_KEY);

    CliRun run = rekey("key", "public-key", "jwt", "--version", "1", "--jwk");

    assertThat(run.exit).as(run.toString()).isZero();
    assertThat(json.readTree(run.out())).isEqualTo(json.readTree(JWK));
  }

  @Test
  void keyPublicKey_json_printsTheServersJson() throws IOException {
    server.on("GET", "/v1/keys/jwt/public-key", 200, PUBLIC_KEY);

    CliRun run = rekey("key", "public-key", "jwt", "--json");

    assertThat(json.readTree(run.out())).isEqualTo(json.readTree(PUBLIC_KEY));
  }

  @Test
  void keyPublicKey_jwkAndJson_usageErrorExit2() {
    CliRun run = rekey("key", "public-key", "jwt", "--jwk", "--json");

    assertThat(run.exit).isEqualTo(2);
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void jwks_name_getsNamespacePathWithoutToken_printsJson() throws IOException {
    server.on("GET", "/v1/jwks/ns1/jwt", 200, "{\"keys\":[" + JWK + "]}");

    CliRun run = rekey("jwks", "jwt", "--namespace", "ns1");

    assertThat(run.exit).as(run.toString()).isZero();
    assertThat(json.readTree(run.out())).isEqualTo(json.readTree("{\"keys\":[" + JWK + "]}"));
    assertThat(server.lastRequest().method()).isEqualTo("GET");
    assertThat(server.lastRequest().header("Authorization")).isNull();
    assertThat(server.lastRequest().header("X-Rekey-Token")).isNull();
    assertThat(run.out() + run.err).doesNotContain(TOKEN);
  }

  @Test
  void jwks_noName_wholeNamespace_noTokenConfigured() throws IOException {
    server.on("GET", "/v1/jwks/default", 200, "{\"keys\":[]}");

    CliRun run = CliRun.run(new byte[0], "jwks", "--address", server.address());

    assertThat(run.exit).as(run.toString()).isZero();
    assertThat(json.readTree(run.out())).isEqualTo(json.readTree("{\"keys\":[]}"));
    assertThat(server.lastRequest().header("Authorization")).isNull();
  }

  @Test
  void jwks_unknownKey_errorLineExit1() {
    CliRun run = rekey("jwks", "missing");

    assertThat(run.exit).isEqualTo(1);
    assertThat(run.err).startsWith("Error: ").endsWith("(not_found)\n");
  }

  @Test
  void jwtIssue_claimsJsonClaimsAndTtl_sentAsClaimsObject_printsJwt() throws IOException {
    server.on("POST", "/v1/keys/jwt/jwt", 200, "{\"jwt\":\"h.p.s\",\"kid\":\"jwt-v1\",\"version\":1}");

    CliRun run = rekey("jwt", "issue", "jwt", "--claims-json", "{\"roles\":[\"a\"],\"n\":3}",
        "--claim", "sub=alice", "--claim", "note=a=b", "--ttl", "PT1H");

    assertThat(run.exit).as(run.toString()).isZero();
    assertThat(run.out()).isEqualTo("h.p.s\n");
    assertThat(sentBody()).isEqualTo(json.readTree(
        "{\"claims\":{\"roles\":[\"a\"],\"n\":3,\"sub\":\"alice\",\"note\":\"a=b\"},\"ttl\":\"PT1H\"}"));
  }

  @Test
  void jwtIssue_badOptions_usageErrorExit2_nothingSent() {
    for (String[] args : List.of(
        new String[] {"jwt", "issue", "jwt", "--claim", "novalue"},
        new String[] {"jwt", "issue", "jwt", "--claims-json", "[1]"},
        new String[] {"jwt", "issue", "jwt", "--claims-json", "{\"sub\":1}", "--claim", "sub=x"},
        new String[] {"jwt", "issue", "jwt", "--ttl", "1h"})) {
      CliRun run = rekey(args);
      assertThat(run.exit).as(run.toString()).isEqualTo(2);
    }
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void jwtVerify_validFromStdin_printsClaimsJson_exit0() throws IOException {
    server.on("POST", "/v1/keys/jwt/jwt/verify", 200,
        "{\"valid\":true,\"kid\":\"jwt-v1\",\"version\":1,\"claims\":{\"sub\":\"alice\",\"iat\":5}}");

    CliRun run = rekeyWithStdin("h.p.s\n", "jwt", "verify", "jwt");

    assertThat(run.exit).as(run.toString()).isZero();
    assertThat(sentBody()).isEqualTo(json.readTree("{\"jwt\":\"h.p.s\"}"));
    assertThat(json.readTree(run.out())).isEqualTo(json.readTree("{\"sub\":\"alice\",\"iat\":5}"));
  }

  @Test
  void jwtVerify_invalidWithJwtOption_printsReason_exit3() throws IOException {
    server.on("POST", "/v1/keys/jwt/jwt/verify", 200, "{\"valid\":false,\"kid\":\"jwt-v1\",\"version\":1,\"reason\":\"expired\"}");

    CliRun run = rekey("jwt", "verify", "jwt", "--jwt", "h.p.s");

    assertThat(run.exit).as(run.toString()).isEqualTo(RekeyCli.EXIT_NEGATIVE);
    assertThat(run.out()).isEqualTo("invalid: expired\n");
    assertThat(sentBody()).isEqualTo(json.readTree("{\"jwt\":\"h.p.s\"}"));
  }

  @Test
  void jwtVerify_noJwtAnywhere_usageErrorExit2() {
    CliRun run = rekey("jwt", "verify", "jwt");
    assertThat(run.exit).as(run.toString()).isEqualTo(2);
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void emptyNamespace_countsAsUnset_andExtraTrailingSlashesOfTheAddressAreIgnored() {
    server.on("GET", "/v1/keys", 200, "{\"keys\":[],\"next_after\":null}");
    CliRun r = CliRun.run(new byte[0], "key", "list", "--address", server.address() + "//", "--token", TOKEN,
        "--namespace", "");
    assertThat(r.exit).as(r.toString()).isZero();
    assertThat(server.lastRequest().path()).startsWith("/v1/keys");
    assertThat(server.lastRequest().header("X-Rekey-Namespace")).isIn(null, "default");
  }
}
