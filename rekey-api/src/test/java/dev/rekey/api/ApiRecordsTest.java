package dev.rekey.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ApiRecordsTest {
  private static final String SECRET = "c2VjcmV0LXNlY3JldA==";

  @Test
  void toString_recordsCarryingSecrets_containNoSecret() {
    List<Object> records = List.of(
        EncryptRequest.single(SECRET, "Y3R4"),
        EncryptRequest.ofBatch(List.of(new EncryptItem(SECRET, null))),
        new EncryptItem(SECRET, null),
        new DecryptResponse(SECRET, 1),
        new DecryptResult(SECRET, 1, null),
        new DatakeyResponse("rekey:v1:w", SECRET, 1),
        new MacRequest(SECRET),
        new MacVerifyRequest(SECRET, "rekey:v1:t"),
        SignRequest.ofMessage(SECRET),
        SignRequest.ofDigest(SECRET),
        VerifyRequest.ofMessage(SECRET, "rekey:v1:s"),
        VerifyRequest.ofDigest(SECRET, "rekey:v1:s"),
        new TokenView(SECRET, "id", "p", List.of(), "c", null),
        new InitResponse(List.of(SECRET), SECRET),
        UnsealRequest.ofShare(SECRET));

    for (Object record : records) {
      assertThat(record.toString()).as(record.getClass().getSimpleName()).doesNotContain(SECRET);
    }
  }

  @Test
  void toString_tokenViewWithoutSecret_showsMetadata() {
    assertThat(new TokenView(null, "t1", "billing", List.of(), "c", null).toString())
        .contains("t1", "billing", "token=null");
  }

  @Test
  void segment_reservedAndNonAscii_percentEncoded() {
    assertThat(ApiPaths.segment("orders-v2_x.y~z")).isEqualTo("orders-v2_x.y~z");
    assertThat(ApiPaths.segment("a/b c?")).isEqualTo("a%2Fb%20c%3F");
    assertThat(ApiPaths.segment("é")).isEqualTo("%C3%A9");
  }

  @Test
  void paths_keyOperationsAndVersionActions_matchTheContract() {
    assertThat(ApiPaths.keyOperation("orders", "mac/verify")).isEqualTo("/v1/keys/orders/mac/verify");
    assertThat(ApiPaths.versionAction("orders", 3, "schedule-destroy"))
        .isEqualTo("/v1/keys/orders/versions/3/schedule-destroy");
    assertThat(ApiPaths.token("t1")).isEqualTo("/v1/auth/tokens/t1");
  }

  @Test
  void paths_signingKeyEndpoints_matchTheContract() {
    assertThat(ApiPaths.keyOperation("jwt", "sign")).isEqualTo("/v1/keys/jwt/sign");
    assertThat(ApiPaths.publicKey("jwt", null)).isEqualTo("/v1/keys/jwt/public-key");
    assertThat(ApiPaths.publicKey("jwt", 2)).isEqualTo("/v1/keys/jwt/public-key?version=2");
    assertThat(ApiPaths.jwks("default")).isEqualTo("/v1/jwks/default");
    assertThat(ApiPaths.jwks("team a", "jwt/x")).isEqualTo("/v1/jwks/team%20a/jwt%2Fx");
  }

  @Test
  void toString_verifyRequest_showsSignatureButNotMessage() {
    assertThat(VerifyRequest.ofMessage(SECRET, "rekey:v1:s").toString())
        .isEqualTo("VerifyRequest[message=redacted, digest=null, signature=rekey:v1:s]");
  }
}
