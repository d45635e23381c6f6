package dev.rekey.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The datakey and decrypt endpoints of one key on a {@link FakeRekeyServer}: data keys are
 * random, "wrapped" by remembering them under a fresh id together with their context; decrypt
 * with another context fails like the real server does.
 */
final class FakeKms {
  private record Stored(String key, String context) {}

  static final String DATAKEY = "/v1/keys/orders/datakey";
  static final String DECRYPT = "/v1/keys/orders/decrypt";

  private final ObjectMapper json = new ObjectMapper();
  private final SecureRandom random = new SecureRandom();
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<String, Stored> wrapped = new ConcurrentHashMap<>();

  FakeKms(FakeRekeyServer server) {
    server.on("POST", DATAKEY, r -> {
      JsonNode body = read(r.body());
      byte[] key = new byte[32];
      random.nextBytes(key);
      String id = "rekey:v1:" + Base64.getEncoder().encodeToString(("dk-" + ids.incrementAndGet()).getBytes());
      String plaintext = Base64.getEncoder().encodeToString(key);
      wrapped.put(id, new Stored(plaintext, body.path("context").asText(null)));
      return new FakeRekeyServer.Reply(200,
          "{\"ciphertext\":\"" + id + "\",\"plaintext\":\"" + plaintext + "\",\"version\":1}");
    });
    server.on("POST", DECRYPT, r -> {
      JsonNode body = read(r.body());
      Stored stored = wrapped.get(body.path("ciphertext").asText());
      if (stored == null || !Objects.equals(stored.context(), body.path("context").asText(null))) {
        return new FakeRekeyServer.Reply(400,
            "{\"error\":{\"code\":\"decryption_failed\",\"message\":\"decryption failed\"}}");
      }
      return new FakeRekeyServer.Reply(200, "{\"plaintext\":\"" + stored.key() + "\",\"version\":1}");
    });
  }

  private JsonNode read(String body) {
    try {
      return json.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
