package dev.rekey.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RawJsonTest {
  @ParameterizedTest
  @ValueSource(strings = {"rekey:v12:AAECAwQFBgcICQ+/==", "aGVsbG8=", ""})
  void textAndVersion_safeText_isTheSameJsonAsTheSerializerWouldWrite(String text) throws Exception {
    RawJson raw = RawJson.textAndVersion("ciphertext", text, 12);
    JsonNode parsed = new ObjectMapper().readTree(raw.bytes());
    assertThat(parsed.get("ciphertext").asText()).isEqualTo(text);
    assertThat(parsed.get("version").asInt()).isEqualTo(12);
    assertThat(new String(raw.bytes(), StandardCharsets.US_ASCII))
        .isEqualTo("{\"ciphertext\":\"" + text + "\",\"version\":12}");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a\"b", "a\\b", "a\nb", "a\u0000", "caf\u00e9", "\u20ac", "why?", "a\u007f"})
  void textAndVersion_textThatWouldNeedEscaping_isRefused(String text) {
    // Tests run with assertions on: the full check. Without them only non-Latin-1 text is caught;
    // production callers pass base64 and rekey text from Rekey's own encoders.
    assertThatThrownBy(() -> RawJson.textAndVersion("plaintext", text, 1))
        .isInstanceOfAny(IllegalArgumentException.class, AssertionError.class);
  }
}
