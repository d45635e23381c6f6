package dev.rekey.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rekey.api.DecryptRequest;
import dev.rekey.api.EncryptRequest;
import dev.rekey.core.RekeyException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fast path must never disagree with the full parser: for every body it either gives up
 * (null) or returns exactly what {@code Json.read} plus strict base64 decoding would.
 */
class FlatFieldsTest {
  private static final FlatFields ENCRYPT = FlatFields.of("b64:plaintext", "b64:context");
  private final Json json = new Json();

  @Test
  void plainBody_isReadWithoutTheMapper() {
    FlatFields.Values v = read("{\"plaintext\":\"aGVsbG8=\",\"context\":\"Y3R4\"}");
    assertThat(v).isNotNull();
    assertThat(new String(v.bytes(0), StandardCharsets.UTF_8)).isEqualTo("hello");
    assertThat(new String(v.bytes(1), StandardCharsets.UTF_8)).isEqualTo("ctx");
  }

  @Test
  void whitespaceAndOrder_areAccepted_andAbsentFieldsAreNull() {
    FlatFields.Values v = read(" {\n \"context\" : \"Y3R4\" ,\t\"plaintext\":\"\" }\r\n");
    assertThat(v).isNotNull();
    assertThat(v.bytes(0)).isEmpty();
    assertThat(read("{}").bytes(0)).isNull();
  }

  @Test
  void textFields_areReadAsText() {
    FlatFields decrypt = FlatFields.of("ciphertext", "b64:context");
    FlatFields.Values v = decrypt.read("{\"ciphertext\":\"rekey:v1:AAAA\"}".getBytes(StandardCharsets.UTF_8));
    assertThat(v.text(0)).isEqualTo("rekey:v1:AAAA");
    assertThat(v.bytes(1)).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", " ", "[]", "null", "\"x\"", "{", "{\"plaintext\":\"aGVsbG8=\"", "{\"plaintext\":\"aGVsbG8=\"}x",
      "{\"plaintext\":\"aGVsbG8=\"} {}", "{\"plaintext\":null}", "{\"plaintext\":5}", "{\"plaintext\":true}",
      "{\"plaintext\":[\"aGVsbG8=\"]}", "{\"plaintext\":\"aGVsbG8==\"}", "{\"plaintext\":\"aGVs bG8=\"}",
      "{\"plaintext\":\"aGVs\\nbG8=\"}", "{\"plaintext\":\"aGVsbG8\\u003d\"}", "{\"plaintext\":\"aGVs_G8=\"}",
      "{\"plaintext\":\"aGVsbG8=\",\"plaintext\":\"aGVsbG8=\"}", "{\"plaintext\":\"aGVsbG8=\",\"batch\":[]}",
      "{\"batch\":[{\"plaintext\":\"aGVsbG8=\"}]}", "{\"Plaintext\":\"aGVsbG8=\"}", "{\"extra\":\"x\"}",
      "{'plaintext':'aGVsbG8='}", "{\"plaintext\":\"aGVsbG8=\",}"})
  void anythingButThePlainShape_isLeftToTheFullParser(String body) {
    assertThat(read(body)).isNull();
  }

  /** Random mutations of valid bodies: the fast path gives up or agrees with the full path. */
  @Test
  void mutatedBodies_neverDisagreeWithTheFullParser() {
    Random random = new Random(20261122);
    byte[] alphabet = mutationAlphabet();
    int fast = 0;
    for (int i = 0; i < 20_000; i++) {
      byte[] pt = new byte[random.nextInt(40)];
      random.nextBytes(pt);
      String valid = random.nextBoolean()
          ? "{\"plaintext\":\"" + Base64.getEncoder().encodeToString(pt) + "\"}"
          : "{\"context\":\"" + Base64.getEncoder().encodeToString(pt) + "\", \"plaintext\":\"AQID\"}";
      byte[] body = mutate(random, valid.getBytes(StandardCharsets.US_ASCII), alphabet);
      FlatFields.Values v = ENCRYPT.read(body);
      if (v == null) {
        continue;
      }
      fast++;
      byte[][] full = fullPath(body);
      assertThat(full).as("fast path accepted what the full parser refuses: %s", new String(body)).isNotNull();
      assertThat(v.bytes(0)).as(new String(body)).isEqualTo(full[0]);
      assertThat(v.bytes(1)).as(new String(body)).isEqualTo(full[1]);
    }
    assertThat(fast).as("the fast path took part").isGreaterThan(5_000);
  }

  /** The same for a text field (decrypt's ciphertext) next to a base64 one. */
  @Test
  void mutatedTextBodies_neverDisagreeWithTheFullParser() {
    FlatFields decrypt = FlatFields.of("ciphertext", "b64:context");
    Random random = new Random(11);
    byte[] alphabet = mutationAlphabet();
    int fast = 0;
    for (int i = 0; i < 20_000; i++) {
      byte[] ct = new byte[random.nextInt(40)];
      random.nextBytes(ct);
      String valid = "{\"ciphertext\":\"rekey:v" + random.nextInt(9) + ":" + Base64.getEncoder().encodeToString(ct) + "\""
          + (random.nextBoolean() ? ",\"context\":\"AQID\"" : "") + "}";
      byte[] body = mutate(random, valid.getBytes(StandardCharsets.US_ASCII), alphabet);
      FlatFields.Values v = decrypt.read(body);
      if (v == null) {
        continue;
      }
      fast++;
      DecryptRequest full;
      byte[] context;
      try {
        full = json.read(body, DecryptRequest.class);
        context = Call.base64("context", full.context());
      } catch (RekeyException e) {
        throw new AssertionError("fast path accepted what the full parser refuses: " + new String(body), e);
      }
      assertThat(full.batch()).isNull();
      assertThat(v.text(0)).as(new String(body)).isEqualTo(full.ciphertext());
      assertThat(v.bytes(1)).as(new String(body)).isEqualTo(context);
    }
    assertThat(fast).as("the fast path took part").isGreaterThan(5_000);
  }

  private static byte[] mutationAlphabet() {
    byte[] ascii = "{}[]\":,\\ \n\tabcAZ09+/=_-.enrtu".getBytes(StandardCharsets.US_ASCII);
    byte[] out = Arrays.copyOf(ascii, ascii.length + 4);
    out[ascii.length] = 0;
    out[ascii.length + 1] = 0x1f;
    out[ascii.length + 2] = (byte) 0xc3;
    out[ascii.length + 3] = (byte) 0xff;
    return out;
  }

  private static byte[] mutate(Random random, byte[] body, byte[] alphabet) {
    int mutations = random.nextInt(3);
    for (int m = 0; m < mutations; m++) {
      int at = random.nextInt(body.length);
      switch (random.nextInt(3)) {
        case 0 -> body[at] = alphabet[random.nextInt(alphabet.length)];
        case 1 -> body = remove(body, at);
        default -> body = insert(body, at, alphabet[random.nextInt(alphabet.length)]);
      }
    }
    return body;
  }

  private FlatFields.Values read(String body) {
    return ENCRYPT.read(body.getBytes(StandardCharsets.UTF_8));
  }

  /** What the endpoint does without the fast path; null when it refuses the body. */
  private byte[][] fullPath(byte[] body) {
    try {
      EncryptRequest req = json.read(body, EncryptRequest.class);
      if (req.batch() != null) {
        return null;
      }
      return new byte[][] {Call.base64("plaintext", req.plaintext()), Call.base64("context", req.context())};
    } catch (RekeyException e) {
      return null;
    }
  }

  private static byte[] remove(byte[] b, int at) {
    byte[] out = Arrays.copyOf(b, b.length - 1);
    System.arraycopy(b, at + 1, out, at, b.length - at - 1);
    return out;
  }

  private static byte[] insert(byte[] b, int at, byte x) {
    byte[] out = new byte[b.length + 1];
    System.arraycopy(b, 0, out, 0, at);
    out[at] = x;
    System.arraycopy(b, at, out, at + 1, b.length - at);
    return out;
  }
}
