package dev.rekey.app;

import static dev.rekey.app.E2e.ROOT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rekey.client.RekeyClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The native crypto setting on a real server process (it is read once per JVM): a bad value stops
 * the start with a clear error, and {@code off} serves signatures from the portable code that the
 * JDK verifies. The in-process e2e tests cover the native path on Linux x86-64.
 */
class NativeCryptoE2eTest {
  @TempDir Path dir;

  @Test
  void unknownSetting_serverRefusesToStart_exit2WithTheValue() throws Exception {
    String output = refusedStart("-Drekey.crypto.native=fastest");
    assertThat(output).contains("Error: -Drekey.crypto.native must be auto, off or required, not 'fastest'");
  }

  @Test
  void required_providerCannotLoad_serverRefusesToStartWithTheReason() throws Exception {
    // the provider unpacks its library into this directory, which cannot be made under a file
    Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
    String output = refusedStart("-Drekey.crypto.native=required",
        "-Dcom.amazon.corretto.crypto.provider.tmpdir=" + file.resolve("tmp"));
    assertThat(output).contains("Error: -Drekey.crypto.native=required but the native provider is unavailable (");
  }

  /** Starts a server process that must refuse to start: exit 2, an "Error:" line, no stack trace. */
  private String refusedStart(String... jvmOptions) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java));
    command.addAll(List.of(jvmOptions));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.rekey.app.Main", "server", "--dev",
        "--data-dir", dir.resolve("data").toString(), "--address", "127.0.0.1:" + E2e.freePort()));
    Path log = dir.resolve("server.log");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean exited = p.waitFor(60, TimeUnit.SECONDS);
    if (!exited) {
      p.destroyForcibly();
    }
    String output = Files.readString(log);
    assertThat(exited).as("the server refused to start; log:%n%s", output).isTrue();
    assertThat(p.exitValue()).as(output).isEqualTo(2);
    assertThat(output).doesNotContain("\tat ");
    return output;
  }

  @Test
  void off_serverSignsWithPortableCode_jdkVerifies() throws Exception {
    int port = E2e.freePort();
    Path log = dir.resolve("server.log");
    Process p = E2e.startServerProcess(dir.resolve("data"), port, log, "-Drekey.crypto.native=off");
    try {
      assertThat(E2e.readLog(log)).contains("native crypto: off");
      RekeyClient sdk = E2e.client("http://127.0.0.1:" + port, ROOT_TOKEN);
      for (String[] t : new String[][] {{"ed25519", "Ed25519", "Ed25519"},
          {"ecdsa-p256", "EC", "SHA256withECDSAinP1363Format"}}) {
        sdk.createKey("off-" + t[0], t[0], Map.of());
        byte[] message = "portable".getBytes(StandardCharsets.UTF_8);
        String signature = sdk.signing().sign("off-" + t[0], message).signature();
        String pem = sdk.signing().publicKey("off-" + t[0], 1).pem();
        var key = KeyFactory.getInstance(t[1]).generatePublic(new X509EncodedKeySpec(
            Base64.getDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""))));
        Signature jdk = Signature.getInstance(t[2]);
        jdk.initVerify(key);
        jdk.update(message);
        assertThat(jdk.verify(Base64.getDecoder().decode(signature.substring("rekey:v1:".length()))))
            .as(t[0]).isTrue();
      }
    } finally {
      p.destroy();
      p.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
