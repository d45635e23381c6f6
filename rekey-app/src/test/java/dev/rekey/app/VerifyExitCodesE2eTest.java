package dev.rekey.app;

import static dev.rekey.app.E2e.ROOT_TOKEN;
import static dev.rekey.app.E2e.cli;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rekey.server.RekeyServer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exit codes of the three checks ({@code verify}, {@code mac-verify}, {@code jwt verify}) through
 * the real CLI and server: 0 valid, 3 invalid, 1 when the check could not be made (unknown key,
 * unreachable server), 2 on a usage error. A script can tell "invalid" from "could not check".
 */
class VerifyExitCodesE2eTest {
  static final int VALID = 0;
  static final int ERROR = 1;
  static final int USAGE = 2;
  static final int INVALID = 3;

  @TempDir static Path dataDir;
  static RekeyServer server;
  static String url;

  @BeforeAll
  static void start() {
    server = E2e.devServer(dataDir);
    url = server.url();
    assertThat(cli(url, ROOT_TOKEN, null, "key", "create", "releases", "--type", "ed25519").exit()).isZero();
    assertThat(cli(url, ROOT_TOKEN, null, "key", "create", "tags", "--type", "hmac-sha256").exit()).isZero();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static E2e.Run expect(int exit, E2e.Run run) {
    assertThat(run.exit()).as(run.toString()).isEqualTo(exit);
    return run;
  }

  @Test
  void verify_valid0_invalid3_unknownKey1_unreachable1_usage2() {
    String signature = expect(VALID, cli(url, ROOT_TOKEN, "release 1.0", "sign", "releases")).line();

    assertThat(expect(VALID, cli(url, ROOT_TOKEN, "release 1.0", "verify", "releases", "--signature", signature))
        .line()).isEqualTo("valid (v1)");
    assertThat(expect(INVALID, cli(url, ROOT_TOKEN, "release 1.1", "verify", "releases", "--signature", signature))
        .line()).startsWith("invalid");
    expect(INVALID, cli(url, ROOT_TOKEN, "release 1.1", "verify", "releases", "--signature", signature, "--json"));

    E2e.Run unknown = expect(ERROR, cli(url, ROOT_TOKEN, "release 1.0", "verify", "no-such-key", "--signature",
        signature));
    assertThat(unknown.err()).contains("(not_found)");
    assertThat(unknown.out()).isEmpty();
    expect(ERROR, cli(url, ROOT_TOKEN, "release 1.0", "verify", "no-such-key", "--signature", signature, "--json"));
    expect(ERROR, cli(unreachable(), ROOT_TOKEN, "release 1.0", "verify", "releases", "--signature", signature));
    expect(USAGE, cli(url, ROOT_TOKEN, "release 1.0", "verify", "releases"));
  }

  @Test
  void macVerify_valid0_invalid3_unknownKey1_unreachable1_usage2() {
    String mac = expect(VALID, cli(url, ROOT_TOKEN, "payload", "mac", "tags")).line();

    assertThat(expect(VALID, cli(url, ROOT_TOKEN, "payload", "mac-verify", "tags", "--mac", mac)).line())
        .isEqualTo("valid");
    assertThat(expect(INVALID, cli(url, ROOT_TOKEN, "tampered", "mac-verify", "tags", "--mac", mac)).line())
        .isEqualTo("invalid");

    E2e.Run unknown = expect(ERROR, cli(url, ROOT_TOKEN, "payload", "mac-verify", "no-such-key", "--mac", mac));
    assertThat(unknown.err()).contains("(not_found)");
    assertThat(unknown.out()).isEmpty();
    expect(ERROR, cli(unreachable(), ROOT_TOKEN, "payload", "mac-verify", "tags", "--mac", mac));
    expect(USAGE, cli(url, ROOT_TOKEN, "payload", "mac-verify", "tags"));
  }

  @Test
  void jwtVerify_valid0_invalid3_unknownKey1_unreachable1_usage2() {
    String jwt = expect(VALID, cli(url, ROOT_TOKEN, null, "jwt", "issue", "releases", "--claim", "sub=build-42"))
        .line();
    String[] parts = jwt.split("\\.");
    String forged = parts[0] + "." + parts[1] + "." + (parts[2].startsWith("A") ? "B" : "A") + parts[2].substring(1);

    assertThat(expect(VALID, cli(url, ROOT_TOKEN, jwt, "jwt", "verify", "releases")).out()).contains("build-42");
    assertThat(expect(INVALID, cli(url, ROOT_TOKEN, null, "jwt", "verify", "releases", "--jwt", forged)).line())
        .startsWith("invalid");

    E2e.Run unknown = expect(ERROR, cli(url, ROOT_TOKEN, jwt, "jwt", "verify", "no-such-key"));
    assertThat(unknown.err()).contains("(not_found)");
    assertThat(unknown.out()).isEmpty();
    expect(ERROR, cli(unreachable(), ROOT_TOKEN, jwt, "jwt", "verify", "releases"));
    expect(USAGE, cli(url, ROOT_TOKEN, null, "jwt", "verify", "releases")); // no JWT on stdin nor --jwt
  }

  /** The address of a port nothing listens on. */
  private static String unreachable() {
    return "http://127.0.0.1:" + E2e.freePort();
  }
}
