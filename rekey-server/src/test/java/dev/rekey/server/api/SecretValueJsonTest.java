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

  /** Any text, including every control character, quotes, backslashes, non-BMP and unpaired surrogates. */
  @Test
  void randomTexts_writeTheMapperBytes() {
    java.util.Random random = new java.util.Random(22);
    char[] interesting = {'"', '\\', '/', '\n', '\t', '\r', '\b', '\f', '\u0000', '\u001f', '\u007f', '\u0080',
        '\u00e9', '\u07ff', '\u0800', '\u2028', '\u20ac', '\ud83d', '\ude00', '\uffff', 'a', '<', '&'};
    for (int i = 0; i < 20_000; i++) {
      StringBuilder text = new StringBuilder();
      int n = random.nextInt(12);
      for (int j = 0; j < n; j++) {
        text.append(random.nextBoolean() ? interesting[random.nextInt(interesting.length)] : (char) random.nextInt(0x10000));
      }
      String t = text.toString();
      SecretValueResponse r = new SecretValueResponse(t, random.nextInt(Integer.MAX_VALUE),
          random.nextBoolean() ? null : List.of(t, "CURRENT"), random.nextBoolean() ? null : t, "cHc=",
          "2026-11-22T10:00:00Z", random.nextBoolean() ? null : t, random.nextBoolean());
      assertThat(SecretValueJson.write(r)).as("text %s", t.chars().mapToObj(Integer::toHexString).toList())
          .isEqualTo(json.write(r));
    }
  }
}
