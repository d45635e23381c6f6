package dev.rekey.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rekey.client.FakeRekeyServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rekey audit anchor} and {@code rekey audit verify --anchor FILE} against a fake server. */
class AuditAnchorCliTest {
  static final String ANCHOR = "{\"seq\":1000,\"hash\":\"" + "ab".repeat(32) + "\",\"at\":\"2026-11-22T10:00:00.123456Z\","
      + "\"key_id\":\"ed25519:0123456789abcdef\",\"signature\":\"c2ln\"}";
  static final String INTACT = "{\"valid\":true,\"records\":1200,\"checkpoints\":2,\"first_broken_seq\":null,"
      + "\"reason\":null,\"anchor\":" + ANCHOR + "}";
  static final String BROKEN = "{\"valid\":false,\"records\":50,\"checkpoints\":0,\"first_broken_seq\":51,"
      + "\"reason\":\"the anchor at seq 1000 vouches for records up to seq 1000 but the trail ends at seq 50\","
      + "\"anchor\":null}";

  @TempDir Path dir;
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

  private CliRun rekey(String... args) {
    String[] all = new String[args.length + 4];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--address";
    all[args.length + 1] = server.address();
    all[args.length + 2] = "--token";
    all[args.length + 3] = "rk_cli_secret";
    return CliRun.run(new byte[0], all);
  }

  private Path file(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
  }

  @Test
  void anchor_intactTrail_printsTheNewestCheckpointAsJson() throws IOException {
    server.on("GET", "/v1/audit/verify", 200, INTACT);

    CliRun run = rekey("audit", "anchor");

    assertThat(run.exit).as(run.toString()).isZero();
    assertThat(json.readTree(run.out())).isEqualTo(json.readTree(ANCHOR));
  }

  @Test
  void anchor_output_writesTheFileAndSaysSo() throws IOException {
    server.on("GET", "/v1/audit/verify", 200, INTACT);
    Path out = dir.resolve("anchor.json");

    CliRun run = rekey("audit", "anchor", "-o", out.toString());

    assertThat(run.exit).as(run.toString()).isZero();
    assertThat(json.readTree(Files.readString(out))).isEqualTo(json.readTree(ANCHOR));
    assertThat(run.out()).isEqualTo("Anchor at seq 1000 (signed 2026-11-22T10:00:00.123456Z) written to " + out + "\n");
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(out);
    }
  }

  @Test
  void anchor_withPreviousAnchor_postsItAndReplacesTheSameFile() throws IOException {
    server.on("POST", "/v1/audit/verify", 200, INTACT);
    Path kept = file("anchor.json", ANCHOR.replace("1000", "40"));

    CliRun run = rekey("audit", "anchor", "--anchor", kept.toString(), "--output", kept.toString());

    assertThat(run.exit).as(run.toString()).isZero();
    assertThat(json.readTree(server.lastRequest().body()).get("anchor").get("seq").asLong()).isEqualTo(40);
    assertThat(json.readTree(Files.readString(kept)).get("seq").asLong()).isEqualTo(1000);
  }

  @Test
  void anchor_brokenTrail_exit3_printsNoAnchorAndKeepsTheFile() throws IOException {
    server.on("POST", "/v1/audit/verify", 200, BROKEN);
    Path kept = file("anchor.json", ANCHOR);

    CliRun run = rekey("audit", "anchor", "--anchor", kept.toString(), "-o", kept.toString());

    assertThat(run.exit).isEqualTo(AuditCommands.BROKEN);
    assertThat(run.out()).isEmpty();
    assertThat(run.err).startsWith("Audit trail BROKEN at seq 51: the anchor at seq 1000");
    assertThat(Files.readString(kept)).isEqualTo(ANCHOR);
  }

  @Test
  void anchor_nothingSignedYet_exit1() {
    server.on("GET", "/v1/audit/verify", 200, INTACT.replace("\"anchor\":" + ANCHOR, "\"anchor\":null"));

    CliRun run = rekey("audit", "anchor");

    assertThat(run.exit).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err).contains("no signed checkpoint yet");
  }

  @Test
  void verify_anchorFile_postsItsAnchorAndSaysTheTrailHoldsIt() throws IOException {
    server.on("POST", "/v1/audit/verify", 200, INTACT);
    Path kept = file("anchor.json", ANCHOR);

    CliRun run = rekey("audit", "verify", "--anchor", kept.toString());

    assertThat(run.exit).as(run.toString()).isZero();
    assertThat(run.out()).isEqualTo("Audit trail intact: 1200 records, 2 checkpoints; it holds the anchor at seq 1000"
        + " (signed 2026-11-22T10:00:00.123456Z)\n");
    JsonNode sent = json.readTree(server.lastRequest().body());
    assertThat(sent.get("anchor")).isEqualTo(json.readTree(ANCHOR));
  }

  @Test
  void verify_savedVerifyJsonAsAnchorFile_usesItsAnchor() throws IOException {
    server.on("POST", "/v1/audit/verify", 200, INTACT);
    Path saved = file("verify.json", INTACT);

    assertThat(rekey("audit", "verify", "--anchor", saved.toString()).exit).isZero();
    assertThat(json.readTree(server.lastRequest().body()).get("anchor")).isEqualTo(json.readTree(ANCHOR));
  }

  @Test
  void verify_anchorFileAndBrokenTrail_exit3_alsoWithJson() throws IOException {
    server.on("POST", "/v1/audit/verify", 200, BROKEN);
    Path kept = file("anchor.json", ANCHOR);

    CliRun run = rekey("audit", "verify", "--anchor", kept.toString());
    assertThat(run.exit).isEqualTo(AuditCommands.BROKEN);
    assertThat(run.out()).startsWith("Audit trail BROKEN at seq 51: the anchor at seq 1000");

    CliRun asJson = rekey("audit", "verify", "--anchor", kept.toString(), "--json");
    assertThat(asJson.exit).isEqualTo(AuditCommands.BROKEN);
    assertThat(json.readTree(asJson.out()).get("first_broken_seq").asLong()).isEqualTo(51);
  }

  @Test
  void verify_anchorFileNotAnAnchor_usageErrorAndNoRequest() throws IOException {
    for (String content : new String[] {"not json", "[1,2]", "{\"valid\":true}", "{\"seq\":\"x\",\"hash\":\"h\"}"}) {
      Path bad = file("bad.json", content);
      CliRun run = rekey("audit", "verify", "--anchor", bad.toString());
      assertThat(run.exit).as(content).isEqualTo(2);
      assertThat(run.err).as(content).contains(bad.toString());
    }
    CliRun missing = rekey("audit", "verify", "--anchor", dir.resolve("absent.json").toString());
    assertThat(missing.exit).isEqualTo(2);
    assertThat(missing.err).contains("cannot read");
    assertThat(server.requests()).isEmpty();
  }
}
