package dev.rekey.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rekey.core.crypto.VersionedText;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RawJsonTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3, 64, 1024, 1025})
  void versionedText_isTheSameJsonAsTheSerializerWritesForTheText(int length) throws Exception {
    byte[] bytes = new byte[length];
    for (int i = 0; i < length; i++) {
      bytes[i] = (byte) (i * 37 + 250); // every byte value, including ones base64 writes as + and /
    }
    VersionedText sealed = new VersionedText(12, bytes);

    RawJson raw = RawJson.versionedText("ciphertext", sealed);

    assertThat(MAPPER.readTree(raw.bytes()))
        .isEqualTo(MAPPER.valueToTree(Map.of("ciphertext", sealed.render(), "version", 12)));
    JsonNode parsed = MAPPER.readTree(raw.bytes());
    assertThat(parsed.get("ciphertext").asText()).isEqualTo(sealed.render());
    assertThat(parsed.get("version").asInt()).isEqualTo(12);
    assertThat(new String(raw.bytes(), StandardCharsets.US_ASCII))
        .isEqualTo("{\"ciphertext\":\"" + sealed.render() + "\",\"version\":12}");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 5, 1024})
  void base64AndVersion_isTheValueInStandardBase64(int length) throws Exception {
    byte[] raw = new byte[length];
    java.util.Arrays.fill(raw, (byte) 0xfb);

    RawJson json = RawJson.base64AndVersion("plaintext", raw, 3);

    assertThat(new String(json.bytes(), StandardCharsets.US_ASCII))
        .isEqualTo("{\"plaintext\":\"" + Base64.getEncoder().encodeToString(raw) + "\",\"version\":3}");
    assertThat(MAPPER.readTree(json.bytes()).get("plaintext").binaryValue()).isEqualTo(raw);
  }
}
