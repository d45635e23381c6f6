package dev.rekey.core.service;

import static dev.rekey.core.service.Services.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.crypto.VersionedText;
import dev.rekey.core.key.KeyType;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * Export needs the server policy and an exportable key; what comes out is the real material:
 * exported private keys sign what Rekey verifies, and an exported AES key decrypts Rekey's
 * ciphertext with the plain JCA.
 */
class KeyExportServiceTest {
  private static final byte[] MESSAGE = "export me".getBytes(StandardCharsets.UTF_8);

  private final Services s = new Services();
  private final KeyExportService export = new KeyExportService(s.repo, () -> s.ring, true);
  private final SigningService signing = new SigningService(s.cache, s.clock, SigningService.DEFAULT_JWKS_OVERLAP);

  private static void assertCode(ThrowingCallable call, ErrorCode code, String messagePart) {
    assertThatThrownBy(call).isInstanceOfSatisfying(RekeyException.class, e -> {
      assertThat(e.code()).isEqualTo(code);
      assertThat(e.getMessage()).contains(messagePart);
    });
  }

  private static PrivateKey parse(String pem, String algorithm) throws Exception {
    assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----\n").endsWith("\n-----END PRIVATE KEY-----\n");
    String body = pem.replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", "");
    return KeyFactory.getInstance(algorithm).generatePrivate(
        new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(body)));
  }

  @Test
  void serverPolicyOff_refusesEvenAnExportableKey() {
    s.keys.create(NS, "k", KeyType.ED25519, Map.of(), true);
    KeyExportService off = new KeyExportService(s.repo, () -> s.ring, false);

    assertCode(() -> off.export(NS, "k", null), ErrorCode.FORBIDDEN, "key_export.enabled");
  }

  @Test
  void keyNotExportable_isRefused_andExportableIsOneWay() {
    s.keys.create(NS, "k", KeyType.AES256_GCM, Map.of());

    assertCode(() -> export.export(NS, "k", null), ErrorCode.FORBIDDEN, "not exportable");

    s.keys.update(NS, "k", null, null, null, true);
    assertThat(export.export(NS, "k", null).format()).isEqualTo(KeyExportService.Exported.RAW_BASE64);
    assertCode(() -> s.keys.update(NS, "k", null, null, null, false), ErrorCode.ILLEGAL_STATE, "stays so");
  }

  @Test
  void ed25519_exportedPrivateKeySignsWhatRekeyVerifies() throws Exception {
    s.keys.create(NS, "ed", KeyType.ED25519, Map.of(), true);
    KeyExportService.Exported e = export.export(NS, "ed", 1);

    Signature signer = Signature.getInstance("Ed25519");
    signer.initSign(parse(e.value(), "Ed25519"));
    signer.update(MESSAGE);
    String signature = "rekey:v1:" + Base64.getEncoder().encodeToString(signer.sign());

    assertThat(e.format()).isEqualTo("pkcs8-pem");
    assertThat(signing.verify(NS, "ed", MESSAGE, false, signature).valid()).isTrue();
  }

  @Test
  void ecdsa_exportedPrivateKeySignsWhatRekeyVerifies() throws Exception {
    s.keys.create(NS, "ec", KeyType.ECDSA_P256, Map.of(), true);
    KeyExportService.Exported e = export.export(NS, "ec", null);

    Signature signer = Signature.getInstance("SHA256withECDSAinP1363Format");
    signer.initSign(parse(e.value(), "EC"));
    signer.update(MESSAGE);
    String signature = "rekey:v1:" + Base64.getEncoder().encodeToString(signer.sign());

    assertThat(signing.verify(NS, "ec", MESSAGE, false, signature).valid()).isTrue();
  }

  @Test
  void aes_exportedBytesDecryptRekeyCiphertextWithTheJca() throws Exception {
    s.keys.create(NS, "aes", KeyType.AES256_GCM, Map.of(), true);
    s.keys.rotate(NS, "aes", true);
    String ciphertext = s.crypto.encrypt(NS, "aes", MESSAGE, null).text();

    byte[] key = Base64.getDecoder().decode(export.export(NS, "aes", 2).value());
    byte[] payload = VersionedText.parse(ciphertext).bytes();
    Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
    gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, payload, 0, 12));
    gcm.updateAAD("rekey:v2:".getBytes(StandardCharsets.US_ASCII));

    assertThat(gcm.doFinal(payload, 12, payload.length - 12)).isEqualTo(MESSAGE);
    assertThat(export.export(NS, "aes", 1).value()).isNotEqualTo(export.export(NS, "aes", 2).value());
  }

  @Test
  void revokedOrDestroyedVersions_areNotExported() {
    s.keys.create(NS, "k", KeyType.ED25519, Map.of(), true);
    s.keys.rotate(NS, "k", true);
    s.keys.changeVersion(NS, "k", 1, VersionAction.REVOKE, null);

    assertCode(() -> export.export(NS, "k", 1), ErrorCode.ILLEGAL_STATE, "revoked");
    assertCode(() -> export.export(NS, "k", 9), ErrorCode.NOT_FOUND, "");
  }

  @Test
  void exported_toStringHidesTheValue() {
    s.keys.create(NS, "k", KeyType.HMAC_SHA256, Map.of(), true);
    KeyExportService.Exported e = export.export(NS, "k", null);

    assertThat(e.toString()).doesNotContain(e.value()).contains("redacted");
  }
}
