package dev.rekey.client;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.rekey.api.ApiPaths;
import dev.rekey.api.BatchResponse;
import dev.rekey.api.CiphertextItem;
import dev.rekey.api.DatakeyRequest;
import dev.rekey.api.DatakeyResponse;
import dev.rekey.api.DecryptRequest;
import dev.rekey.api.DecryptResponse;
import dev.rekey.api.DecryptResult;
import dev.rekey.api.EncryptItem;
import dev.rekey.api.EncryptRequest;
import dev.rekey.api.EncryptResponse;
import dev.rekey.api.EncryptResult;
import dev.rekey.api.ErrorCode;
import dev.rekey.api.RewrapRequest;
import java.util.List;

/**
 * Encryption keys ({@code client.encryption()}): encrypt, decrypt and rewrap, one at a time or in
 * batches, and data keys for envelope encryption. Plaintexts and contexts are byte arrays here and
 * base64 on the wire; ciphertexts are the server's text form. Shares the connection, token and
 * namespace of the {@link RekeyClient} it came from, whose methods of the same names call these.
 */
public final class EncryptionClient {
  private final ApiCalls calls;

  EncryptionClient(ApiCalls calls) {
    this.calls = calls;
  }

  /** Encrypts under the key's primary version; {@code context} (nullable) must be given again to decrypt. */
  public EncryptResponse encrypt(String name, byte[] plaintext, byte[] context) {
    return calls.post(ApiPaths.keyOperation(name, "encrypt"),
        EncryptRequest.single(WireText.b64(plaintext), WireText.b64(context)), EncryptResponse.class);
  }

  /** Decrypts; every failure to decrypt is one generic {@link ErrorCode#DECRYPTION_FAILED}. */
  public byte[] decrypt(String name, String ciphertext, byte[] context) {
    DecryptResponse response = calls.post(ApiPaths.keyOperation(name, "decrypt"),
        DecryptRequest.single(ciphertext, WireText.b64(context)), DecryptResponse.class);
    return WireText.unb64(response.plaintext());
  }

  /** Re-encrypts under the primary version without the plaintext leaving the server. */
  public EncryptResponse rewrap(String name, String ciphertext, byte[] context) {
    return calls.post(ApiPaths.keyOperation(name, "rewrap"),
        RewrapRequest.single(ciphertext, WireText.b64(context)), EncryptResponse.class);
  }

  /**
   * Re-encrypts under the primary a ciphertext of a REVOKED version, which nothing else may read
   * (the emergency path after a compromise; needs {@code emergency.rewrap}, admin only; audited).
   */
  public EncryptResponse emergencyRewrap(String name, String ciphertext, byte[] context) {
    return calls.post(ApiPaths.keyOperation(name, "emergency-rewrap"),
        RewrapRequest.single(ciphertext, WireText.b64(context)), EncryptResponse.class);
  }

  /** Encrypts up to 1000 items; results in order, a failed item carries {@code error}. */
  public List<EncryptResult> encryptBatch(String name, List<EncryptItem> items) {
    return calls.batch(ApiPaths.keyOperation(name, "encrypt"), EncryptRequest.ofBatch(items),
        new TypeReference<BatchResponse<EncryptResult>>() {});
  }

  /** Decrypts up to 1000 items; decode a result's plaintext with {@link #plaintextOf}. */
  public List<DecryptResult> decryptBatch(String name, List<CiphertextItem> items) {
    return calls.batch(ApiPaths.keyOperation(name, "decrypt"), DecryptRequest.ofBatch(items),
        new TypeReference<BatchResponse<DecryptResult>>() {});
  }

  /** Rewraps up to 1000 items; results in order, a failed item carries {@code error}. */
  public List<EncryptResult> rewrapBatch(String name, List<CiphertextItem> items) {
    return calls.batch(ApiPaths.keyOperation(name, "rewrap"), RewrapRequest.ofBatch(items),
        new TypeReference<BatchResponse<EncryptResult>>() {});
  }

  /** A batch item from bytes. */
  public static EncryptItem encryptItem(byte[] plaintext, byte[] context) {
    return new EncryptItem(WireText.b64(plaintext), WireText.b64(context));
  }

  /** A batch item for decrypt or rewrap. */
  public static CiphertextItem ciphertextItem(String ciphertext, byte[] context) {
    return new CiphertextItem(ciphertext, WireText.b64(context));
  }

  /** The plaintext bytes of a successful decrypt batch result. */
  public static byte[] plaintextOf(DecryptResult result) {
    if (result.error() != null || result.plaintext() == null) {
      throw new IllegalArgumentException("the batch item failed: " + result.error());
    }
    return WireText.unb64(result.plaintext());
  }

  /** A new data key, plaintext and wrapped; the wrapped key decrypts with the same context. */
  public DataKey generateDataKey(String name, byte[] context) {
    DatakeyResponse response = calls.post(ApiPaths.keyOperation(name, "datakey"),
        new DatakeyRequest(false, WireText.b64(context)), DatakeyResponse.class);
    if (response.plaintext() == null) {
      throw new RekeyClientException(ErrorCode.INTERNAL, ErrorCode.INTERNAL.wire(), 0,
          "the server returned no plaintext data key", null);
    }
    return new DataKey(WireText.unb64(response.plaintext()), response.ciphertext(), response.version());
  }

  /** A new data key, wrapped only (for storing now and unwrapping later). */
  public EncryptResponse generateWrappedDataKey(String name, byte[] context) {
    DatakeyResponse response = calls.post(ApiPaths.keyOperation(name, "datakey"),
        new DatakeyRequest(true, WireText.b64(context)), DatakeyResponse.class);
    return new EncryptResponse(response.ciphertext(), response.version());
  }
}
