package dev.rekey.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The yardstick for the HTTP benchmark (section 2 of BENCHMARKS.md): the smallest honest Vert.x
 * server with the encrypt endpoint's shape and nothing of Rekey's: {@code POST /encrypt} with
 * {@code {"plaintext":"<base64>"}} answers {@code {"ciphertext":"<base64>"}} (AES-256-GCM under a
 * fixed key, fresh random nonce, Jackson in and out); {@code GET /health} answers {@code {"status":"ok"}};
 * {@code POST /sink} reads the body whole and answers a fixed body of a 1 KiB encrypt answer's size
 * (the bytes in and out of an encrypt, with no JSON, base64 or cipher: the transport's share).
 * No token, no audit trail, no routing table. It measures what the machine of the day does for
 * HTTP, JSON, base64 and AES-GCM alone, next to Rekey's endpoints in the same run (the project's
 * notes measured about 140,000 requests/s on one core for such an endpoint). Not part of Rekey.
 *
 * <pre>java -cp rekey-bench/target/benchmarks.jar dev.rekey.bench.ReferenceEncryptServer PORT [EVENT_LOOPS]</pre>
 */
public final class ReferenceEncryptServer extends VerticleBase {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] HEALTH = "{\"status\":\"ok\"}".getBytes(StandardCharsets.US_ASCII);
  private static final SecretKeySpec KEY = new SecretKeySpec(new SecureRandom().generateSeed(32), "AES");
  /** What {@code /sink} answers: an encrypt answer's size for a 1 KiB plaintext (12 + 1024 + 16 bytes as base64). */
  private static final byte[] SINK_ANSWER = ("{\"ciphertext\":\""
      + Base64.getEncoder().encodeToString(new byte[12 + 1024 + 16]) + "\"}").getBytes(StandardCharsets.US_ASCII);

  private final int port;
  private final SecureRandom random = new SecureRandom();
  private final Cipher cipher;

  ReferenceEncryptServer(int port) throws GeneralSecurityException {
    this.port = port;
    this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
  }

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    int loops = args.length > 1 ? Integer.parseInt(args[1]) : Runtime.getRuntime().availableProcessors();
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops).setPreferNativeTransport(true));
    for (int i = 0; i < loops; i++) {
      vertx.deployVerticle(new ReferenceEncryptServer(port), new DeploymentOptions())
          .toCompletionStage().toCompletableFuture().join();
    }
    System.out.println("reference server on port " + port + ", " + loops + " event loops, native transport "
        + vertx.isNativeTransportEnabled());
  }

  @Override
  public io.vertx.core.Future<?> start() {
    return vertx.createHttpServer(new HttpServerOptions().setPort(port).setHost("127.0.0.1"))
        .requestHandler(this::handle)
        .listen();
  }

  private void handle(HttpServerRequest request) {
    if (request.method() == HttpMethod.GET && request.path().equals("/health")) {
      request.response().putHeader("content-type", "application/json").end(Buffer.buffer(HEALTH));
    } else if (request.method() == HttpMethod.POST && request.path().equals("/encrypt")) {
      request.body().onSuccess(body -> encrypt(request, body));
    } else if (request.method() == HttpMethod.POST && request.path().equals("/sink")) {
      request.body().onSuccess(body -> request.response().putHeader("content-type", "application/json")
          .end(Buffer.buffer(SINK_ANSWER)));
    } else {
      request.response().setStatusCode(404).end();
    }
  }

  private void encrypt(HttpServerRequest request, Buffer body) {
    try {
      JsonNode in = JSON.readTree(body.getBytes());
      byte[] plaintext = Base64.getDecoder().decode(in.get("plaintext").asText());
      byte[] nonce = new byte[12];
      random.nextBytes(nonce);
      cipher.init(Cipher.ENCRYPT_MODE, KEY, new GCMParameterSpec(128, nonce));
      byte[] sealed = cipher.doFinal(plaintext);
      byte[] out = new byte[nonce.length + sealed.length];
      System.arraycopy(nonce, 0, out, 0, nonce.length);
      System.arraycopy(sealed, 0, out, nonce.length, sealed.length);
      byte[] answer = JSON.writeValueAsBytes(Map.of("ciphertext", Base64.getEncoder().encodeToString(out)));
      request.response().putHeader("content-type", "application/json").end(Buffer.buffer(answer));
    } catch (Exception e) {
      request.response().setStatusCode(400).end();
    }
  }
}
