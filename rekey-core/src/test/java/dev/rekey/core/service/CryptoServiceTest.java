package dev.rekey.core.service;

import static dev.rekey.core.service.Services.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.crypto.SecretBytes;
import dev.rekey.core.key.Key;
import dev.rekey.core.key.KeyType;
import dev.rekey.core.key.KeyVersion;
import dev.rekey.core.key.VersionState;
import dev.rekey.core.key.WrappedKey;
import dev.rekey.core.root.MaterialBinding;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CryptoServiceTest {
  private static final byte[] PLAIN = "attack at dawn".getBytes(StandardCharsets.UTF_8);
  private static final byte[] CTX = "tenant=7".getBytes(StandardCharsets.UTF_8);

  private final Services s = new Services();

  @BeforeEach
  void keys() {
    s.keys.create(NS, "orders", KeyType.AES256_GCM, Map.of());
    s.keys.create(NS, "sig", KeyType.HMAC_SHA256, Map.of());
  }

  private static void assertCode(ThrowingCallable call, ErrorCode code) {
    assertThatThrownBy(call).isInstanceOfSatisfying(RekeyException.class, e -> assertThat(e.code()).isEqualTo(code));
  }

  /** The one generic failure, with the one generic message. */
  private static void assertDecryptionFailed(ThrowingCallable call) {
    assertThatThrownBy(call).isInstanceOfSatisfying(RekeyException.class, e -> {
      assertThat(e.code()).isEqualTo(ErrorCode.DECRYPTION_FAILED);
      assertThat(e.getMessage()).isEqualTo("decryption failed");
    });
  }

  private String encrypt() {
    return s.crypto.encrypt(NS, "orders", PLAIN, CTX).text();
  }

  private byte[] decrypt(String ct) {
    return s.crypto.decrypt(NS, "orders", ct, CTX).plaintext();
  }

  @Test
  void encryptDecrypt_roundTrip_withAndWithoutContext() {
    CryptoService.Produced p = s.crypto.encrypt(NS, "orders", PLAIN, CTX);
    assertThat(p.version()).isEqualTo(1);
    assertThat(p.text()).startsWith("rekey:v1:");
    CryptoService.Decrypted d = s.crypto.decrypt(NS, "orders", p.text(), CTX);
    assertThat(d.plaintext()).isEqualTo(PLAIN);
    assertThat(d.version()).isEqualTo(1);
    assertThat(d.toString()).doesNotContain("attack");
    String noContext = s.crypto.encrypt(NS, "orders", PLAIN, null).text();
    assertThat(s.crypto.decrypt(NS, "orders", noContext, new byte[0]).plaintext()).isEqualTo(PLAIN);
    assertThat(s.crypto.decrypt(NS, "orders", s.crypto.encrypt(NS, "orders", new byte[0], null).text(), null)
        .plaintext()).isEmpty();
  }

  @Test
  void decrypt_contextMismatch_failsGenerically() {
    String ct = encrypt();
    assertDecryptionFailed(() -> s.crypto.decrypt(NS, "orders", ct, null));
    assertDecryptionFailed(() -> s.crypto.decrypt(NS, "orders", ct, "tenant=8".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void decrypt_tamperedForeignOrUnknownVersion_failsGenerically() {
    String ct = encrypt();
    s.keys.create(NS, "other", KeyType.AES256_GCM, Map.of());
    assertDecryptionFailed(() -> s.crypto.decrypt(NS, "other", ct, CTX));
    assertDecryptionFailed(() -> s.crypto.decrypt(NS, "orders", ct.replace("rekey:v1:", "rekey:v2:"), CTX));
    assertDecryptionFailed(() -> s.crypto.decrypt(NS, "orders", ct.substring(0, ct.length() - 4), CTX));
    assertDecryptionFailed(() -> s.crypto.decrypt(NS, "orders", "rekey:v01:AAAA", CTX));
    assertDecryptionFailed(() -> s.crypto.decrypt(NS, "orders", "", CTX));
    char[] chars = ct.toCharArray();
    int i = "rekey:v1:".length() + 20;
    chars[i] = chars[i] == 'A' ? 'B' : 'A';
    assertDecryptionFailed(() -> s.crypto.decrypt(NS, "orders", new String(chars), CTX));
  }

  @Test
  void decrypt_goldenVectorsOfDocsCiphertextMd_throughTheService() {
    // A key whose versions 1 and 7 hold the fixed test key 00..1f of docs/ciphertext.md.
    byte[] fixed = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    List<KeyVersion> versions = new ArrayList<>();
    for (int n = 1; n <= 7; n++) {
      SecretBytes m = n == 1 || n == 7 ? SecretBytes.copyOf(fixed) : SecretBytes.random(32);
      WrappedKey w = s.ring.wrap(m, MaterialBinding.keyVersion(NS, "golden", n));
      versions.add(KeyVersion.create(n, n == 7 ? VersionState.PRIMARY : VersionState.ACTIVE, w, Services.T0));
    }
    s.repo.insert(new Key(NS, "golden", KeyType.AES256_GCM, versions, 1, 1, Map.of(), false, Services.T0, 0));
    assertThat(s.crypto.decrypt(NS, "golden",
        "rekey:v1:oKGio6SlpqeoqaqrlH0XSDzrZdAOAeK9JwylvQTDK5oCYVu98vHNXQFGJsS4ntE=", null).plaintext())
        .asString(StandardCharsets.UTF_8).isEqualTo("rekey golden vector");
    assertThat(s.crypto.decrypt(NS, "golden",
        "rekey:v7:sLGys7S1tre4ubq76zAxzpXt3DArnPLM7SvtofBTO3J3dmryIAPrHsdFSQROT7w=",
        "tenant=42".getBytes(StandardCharsets.UTF_8)).plaintext())
        .asString(StandardCharsets.UTF_8).isEqualTo("rekey golden vector");
    assertThat(s.crypto.decrypt(NS, "golden", "rekey:v1:wMHCw8TFxsfIycrLKWoas7Wb4MUbkUsmCyO6Zw==", null)
        .plaintext()).isEmpty();
    assertThat(CryptoService.aad(7, "tenant=42".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("rekey:v7:tenant=42".getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void rotate_oldCiphertextStillDecrypts_newOnesUseNewPrimary() {
    String v1 = encrypt();
    s.keys.rotate(NS, "orders", true);
    String v2 = encrypt();
    assertThat(v2).startsWith("rekey:v2:");
    assertThat(decrypt(v1)).isEqualTo(PLAIN);
    assertThat(decrypt(v2)).isEqualTo(PLAIN);
  }

  @Test
  void rewrap_movesToPrimaryAndResultDecrypts() {
    String v1 = encrypt();
    s.keys.rotate(NS, "orders", true);
    s.keys.rotate(NS, "orders", true);
    CryptoService.Produced r = s.crypto.rewrap(NS, "orders", v1, CTX);
    assertThat(r.version()).isEqualTo(3);
    assertThat(r.text()).startsWith("rekey:v3:");
    assertThat(decrypt(r.text())).isEqualTo(PLAIN);
    assertDecryptionFailed(() -> s.crypto.rewrap(NS, "orders", v1, null));
  }

  @Test
  void pinnedVersion_encryptsAndRewrapsOnlyWhenItIsThePrimary() {
    String v1 = encrypt();
    assertThat(s.crypto.encrypt(NS, "orders", PLAIN, CTX, 1).version()).isEqualTo(1);
    s.keys.rotate(NS, "orders", false); // version 2 is PENDING: the primary is still 1
    assertCode(() -> s.crypto.encrypt(NS, "orders", PLAIN, CTX, 2), ErrorCode.INVALID_REQUEST);
    s.keys.rotate(NS, "orders", true);
    assertCode(() -> s.crypto.encrypt(NS, "orders", PLAIN, CTX, 1), ErrorCode.INVALID_REQUEST);
    assertCode(() -> s.crypto.rewrap(NS, "orders", v1, CTX, 1), ErrorCode.INVALID_REQUEST);
    CryptoService.Produced rewrapped = s.crypto.rewrap(NS, "orders", v1, CTX, 3);
    assertThat(rewrapped.version()).isEqualTo(3);
    assertThat(decrypt(rewrapped.text())).isEqualTo(PLAIN);
    assertThat(decrypt(s.crypto.encrypt(NS, "orders", PLAIN, CTX, 3).text())).isEqualTo(PLAIN);
  }

  @Test
  void retiredVersion_cannotDecryptButCanRewrap() {
    String v1 = encrypt();
    s.keys.rotate(NS, "orders", true);
    s.keys.changeVersion(NS, "orders", 1, VersionAction.RETIRE, null);
    assertDecryptionFailed(() -> decrypt(v1));
    String rewrapped = s.crypto.rewrap(NS, "orders", v1, CTX).text();
    assertThat(decrypt(rewrapped)).isEqualTo(PLAIN);
  }

  @Test
  void disabledOrRevokedVersion_cannotDecryptNorRewrap() {
    String v1 = encrypt();
    s.keys.rotate(NS, "orders", true);
    String v2 = encrypt();
    s.keys.rotate(NS, "orders", true);
    s.keys.changeVersion(NS, "orders", 1, VersionAction.DISABLE, null);
    s.keys.changeVersion(NS, "orders", 2, VersionAction.REVOKE, null);
    for (String ct : new String[] {v1, v2}) {
      assertDecryptionFailed(() -> decrypt(ct));
      assertDecryptionFailed(() -> s.crypto.rewrap(NS, "orders", ct, CTX));
    }
    s.keys.changeVersion(NS, "orders", 1, VersionAction.ENABLE, null);
    assertThat(decrypt(v1)).isEqualTo(PLAIN);
  }

  @Test
  void pendingOrDestroyedVersion_cannotDecrypt() {
    String v1 = encrypt();
    s.keys.rotate(NS, "orders", false);
    // A forged v2 ciphertext: v2 is PENDING and has encrypted nothing.
    assertDecryptionFailed(() -> decrypt(v1.replace("rekey:v1:", "rekey:v2:")));
    s.keys.changeVersion(NS, "orders", 2, VersionAction.PROMOTE, null);
    s.keys.changeVersion(NS, "orders", 1, VersionAction.DISABLE, null);
    s.keys.changeVersion(NS, "orders", 1, VersionAction.SCHEDULE_DESTROY, 7);
    s.clock.advance(Duration.ofDays(7));
    s.keys.changeVersion(NS, "orders", 1, VersionAction.DESTROY, null);
    assertDecryptionFailed(() -> decrypt(v1));
    assertDecryptionFailed(() -> s.crypto.rewrap(NS, "orders", v1, CTX));
  }

  @Test
  void minDecryptionVersion_enforcedAndLoweringRestoresIt() {
    String v1 = encrypt();
    s.keys.rotate(NS, "orders", true);
    String v2 = encrypt();
    s.keys.update(NS, "orders", 2, null, null);
    assertDecryptionFailed(() -> decrypt(v1));
    assertThat(decrypt(v2)).isEqualTo(PLAIN);
    assertThat(decrypt(s.crypto.rewrap(NS, "orders", v1, CTX).text())).isEqualTo(PLAIN);
    s.keys.update(NS, "orders", 1, null, null);
    assertThat(decrypt(v1)).isEqualTo(PLAIN);
  }

  @Test
  void emergencyRotate_oldPrimaryCiphertextsRefused() {
    String v1 = encrypt();
    s.keys.emergencyRotate(NS, "orders");
    assertDecryptionFailed(() -> decrypt(v1));
    assertThat(encrypt()).startsWith("rekey:v2:");
  }

  @Test
  void dataKey_plaintextDecryptsFromWrappedForm() {
    CryptoService.DataKey dk = s.crypto.dataKey(NS, "orders", CTX, false);
    assertThat(dk.plaintext()).hasSize(CryptoService.DATA_KEY_LENGTH);
    assertThat(dk.version()).isEqualTo(1);
    assertThat(decrypt(dk.ciphertext())).isEqualTo(dk.plaintext());
    assertThat(dk.toString()).doesNotContain(java.util.Base64.getEncoder().encodeToString(dk.plaintext()));
  }

  @Test
  void dataKey_wrappedOnly_hasNullPlaintextAndTheWrappedOneDecrypts() {
    CryptoService.DataKey dk = s.crypto.dataKey(NS, "orders", CTX, true);
    assertThat(dk.plaintext()).isNull();
    assertThat(decrypt(dk.ciphertext())).hasSize(CryptoService.DATA_KEY_LENGTH);
    assertThat(decrypt(s.crypto.dataKey(NS, "orders", CTX, true).ciphertext())).isNotEqualTo(decrypt(dk.ciphertext()));
  }

  @Test
  void macVerify_acrossRotations() {
    byte[] msg = "pay 10 EUR".getBytes(StandardCharsets.UTF_8);
    CryptoService.Produced m1 = s.crypto.mac(NS, "sig", msg);
    assertThat(m1.text()).startsWith("rekey:v1:");
    assertThat(s.crypto.verifyMac(NS, "sig", msg, m1.text())).isTrue();
    s.keys.rotate(NS, "sig", true);
    CryptoService.Produced m2 = s.crypto.mac(NS, "sig", msg);
    assertThat(m2.version()).isEqualTo(2);
    assertThat(m2.text()).isNotEqualTo(m1.text());
    assertThat(s.crypto.verifyMac(NS, "sig", msg, m1.text())).isTrue();
    assertThat(s.crypto.verifyMac(NS, "sig", msg, m2.text())).isTrue();
    assertThat(s.crypto.verifyMac(NS, "sig", "pay 99 EUR".getBytes(StandardCharsets.UTF_8), m2.text())).isFalse();
    // The version is authenticated: the v1 tag relabelled as v2 does not verify.
    assertThat(s.crypto.verifyMac(NS, "sig", msg, m1.text().replace("rekey:v1:", "rekey:v2:"))).isFalse();
    s.keys.changeVersion(NS, "sig", 1, VersionAction.RETIRE, null);
    assertThat(s.crypto.verifyMac(NS, "sig", msg, m1.text())).as("retired still verifies").isTrue();
    s.keys.changeVersion(NS, "sig", 1, VersionAction.DISABLE, null);
    assertThat(s.crypto.verifyMac(NS, "sig", msg, m1.text())).as("disabled does not").isFalse();
    assertThat(s.crypto.verifyMac(NS, "sig", msg, "rekey:v9:AAAA")).isFalse();
    assertThat(s.crypto.verifyMac(NS, "sig", msg, "garbage")).isFalse();
  }

  @Test
  void wrongKeyPurpose_throwsUnsupportedOperation() {
    String ct = encrypt();
    String mac = s.crypto.mac(NS, "sig", PLAIN).text();
    assertCode(() -> s.crypto.encrypt(NS, "sig", PLAIN, null), ErrorCode.UNSUPPORTED_OPERATION);
    assertCode(() -> s.crypto.decrypt(NS, "sig", ct, CTX), ErrorCode.UNSUPPORTED_OPERATION);
    assertCode(() -> s.crypto.rewrap(NS, "sig", ct, CTX), ErrorCode.UNSUPPORTED_OPERATION);
    assertCode(() -> s.crypto.dataKey(NS, "sig", null, true), ErrorCode.UNSUPPORTED_OPERATION);
    assertCode(() -> s.crypto.mac(NS, "orders", PLAIN), ErrorCode.UNSUPPORTED_OPERATION);
    assertCode(() -> s.crypto.verifyMac(NS, "orders", PLAIN, mac), ErrorCode.UNSUPPORTED_OPERATION);
    assertCode(() -> s.crypto.verifyMac(NS, "orders", PLAIN, "garbage"), ErrorCode.UNSUPPORTED_OPERATION);
  }

  @Test
  void missingKey_throwsNotFound() {
    assertCode(() -> s.crypto.encrypt(NS, "nope", PLAIN, null), ErrorCode.NOT_FOUND);
    assertCode(() -> s.crypto.decrypt(NS, "nope", encrypt(), CTX), ErrorCode.NOT_FOUND);
  }

  @Test
  void otherNode_learnsOfNewVersionFromTheCiphertext() {
    Services b = s.otherNode(Duration.ofHours(1));
    assertThat(b.crypto.encrypt(NS, "orders", PLAIN, CTX).version()).isEqualTo(1); // b caches v1
    s.keys.rotate(NS, "orders", true);
    String v2 = encrypt();
    assertThat(b.crypto.decrypt(NS, "orders", v2, CTX).plaintext()).isEqualTo(PLAIN);
  }

  @Test
  void otherNode_pinnedToTheNewPrimary_learnsOfTheRotation() {
    Services b = s.otherNode(Duration.ofHours(1));
    String v1 = b.crypto.encrypt(NS, "orders", PLAIN, CTX).text(); // b caches v1 as the primary
    s.keys.rotate(NS, "orders", true); // on the other node: the client now reads latest_version 2 there
    assertThat(b.crypto.encrypt(NS, "orders", PLAIN, CTX, 2).version()).isEqualTo(2);
    s.keys.rotate(NS, "orders", true);
    assertThat(b.crypto.rewrap(NS, "orders", v1, CTX, 3).version()).isEqualTo(3);
    assertCode(() -> b.crypto.encrypt(NS, "orders", PLAIN, CTX, 9), ErrorCode.INVALID_REQUEST);
  }

  @Test
  void otherNode_cachedVersionAsPending_learnsOfItsPromotionFromTheCiphertext() {
    s.keys.rotate(NS, "orders", false);
    Services b = s.otherNode(Duration.ofHours(1));
    assertThat(b.crypto.encrypt(NS, "orders", PLAIN, CTX).version()).isEqualTo(1); // b caches v2 PENDING
    s.keys.changeVersion(NS, "orders", 2, VersionAction.PROMOTE, null);
    String v2 = encrypt();
    assertThat(v2).startsWith("rekey:v2:");
    assertThat(b.crypto.decrypt(NS, "orders", v2, CTX).plaintext()).isEqualTo(PLAIN);
    assertThat(b.crypto.rewrap(NS, "orders", v2, CTX).version()).isEqualTo(2);
  }

  @Test
  void otherNode_cachedVersionAsPending_learnsOfMacPromotion() {
    s.keys.rotate(NS, "sig", false);
    Services b = s.otherNode(Duration.ofHours(1));
    b.crypto.mac(NS, "sig", PLAIN);
    s.keys.changeVersion(NS, "sig", 2, VersionAction.PROMOTE, null);
    assertThat(b.crypto.verifyMac(NS, "sig", PLAIN, s.crypto.mac(NS, "sig", PLAIN).text())).isTrue();
  }
}
