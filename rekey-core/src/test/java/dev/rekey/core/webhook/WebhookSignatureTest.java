package dev.rekey.core.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.core.RekeyException;
import dev.rekey.core.crypto.SecretBytes;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {
  /** The worked example of the Standard Webhooks reference libraries (libraries/java WebhookTest). */
  private static final String SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final String SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  private static final long SPEC_TIMESTAMP = 1614265330L;
  private static final byte[] SPEC_BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);
  private static final String SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

  @Test
  void sign_standardWebhooksTestVector_matches() {
    assertThat(WebhookSignature.sign(WebhookSecret.parse(SPEC_SECRET), SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY))
        .isEqualTo(SPEC_SIGNATURE);
  }

  @Test
  void sign_randomSecret_matchesIndependentRecomputation() throws Exception {
    SecretBytes secret = WebhookSecret.generate();
    String text = WebhookSecret.format(secret);
    byte[] body = "{\"specversion\":\"1.0\",\"id\":\"x\"}".getBytes(StandardCharsets.UTF_8);

    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(Base64.getDecoder().decode(text.substring("whsec_".length())), "HmacSHA256"));
    String expected = "v1," + Base64.getEncoder().encodeToString(
        mac.doFinal(("evt-1.1700000000." + new String(body, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8)));

    assertThat(WebhookSignature.sign(secret, "evt-1", 1700000000L, body)).isEqualTo(expected);
  }

  @Test
  void verify_anyOfSeveralSignatures_accepts_andTamperingRejects() {
    SecretBytes secret = WebhookSecret.parse(SPEC_SECRET);
    assertThat(WebhookSignature.verify(secret, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY,
        "v1,bm90LXRoaXM= " + SPEC_SIGNATURE)).isTrue();
    assertThat(WebhookSignature.verify(secret, SPEC_ID, SPEC_TIMESTAMP,
        "{\"test\": 2432232315}".getBytes(StandardCharsets.UTF_8), SPEC_SIGNATURE)).isFalse();
    assertThat(WebhookSignature.verify(secret, SPEC_ID, SPEC_TIMESTAMP + 1, SPEC_BODY, SPEC_SIGNATURE)).isFalse();
    assertThat(WebhookSignature.verify(secret, "msg_other", SPEC_TIMESTAMP, SPEC_BODY, SPEC_SIGNATURE)).isFalse();
    assertThat(WebhookSignature.verify(secret, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY,
        SPEC_SIGNATURE.replace("v1,", "v2,"))).isFalse();
    assertThat(WebhookSignature.verify(secret, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY, null)).isFalse();
  }

  @Test
  void secret_format_isWhsecBase64Of32Bytes_andRoundTrips() {
    SecretBytes secret = WebhookSecret.generate();
    String text = WebhookSecret.format(secret);
    assertThat(text).startsWith("whsec_");
    assertThat(Base64.getDecoder().decode(text.substring(6))).hasSize(32);
    assertThat(WebhookSecret.parse(text).sameAs(secret)).isTrue();
    assertThat(secret.toString()).doesNotContain(text.substring(6));
  }

  @Test
  void secret_parse_garbage_throwsInvalid() {
    assertThatThrownBy(() -> WebhookSecret.parse("whsec_not base64!")).isInstanceOf(RekeyException.class)
        .hasMessageContaining("whsec_");
    assertThatThrownBy(() -> WebhookSecret.parse("whsec_")).isInstanceOf(RekeyException.class);
  }
}
