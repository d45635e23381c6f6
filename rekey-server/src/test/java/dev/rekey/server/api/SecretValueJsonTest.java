package dev.rekey.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rekey.api.SecretValueResponse;
import dev.rekey.server.http.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecretValueJsonTest {
  private final Json json = new Json();

  @Test
  void writesWhatTheMapperWrites() {
    for (SecretValueResponse r : List.of(
        new SecretValueResponse("db", 3, List.of("CURRENT", "blue"), "p\"w\\d\u00e9\u20ac\n", "cHc=",
            "2026-11-22T10:00:00Z", "2027-01-01T00:00:00Z", false),
        new SecretValueResponse("db", 1, List.of(), null, "/w==", "2026-11-22T10:00:00Z", null, true),
        new SecretValueResponse("x", 2, null, "", "", "2026-11-22T10:00:00.123456Z", null, false))) {
      assertThat(new String(SecretValueJson.write(r), StandardCharsets.UTF_8))
          .isEqualTo(new String(json.write(r), StandardCharsets.UTF_8));
    }
  }
}
