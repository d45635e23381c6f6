package dev.rekey.core.root;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.crypto.AesGcm;
import dev.rekey.core.crypto.Randomness;
import dev.rekey.core.crypto.SecretAccess;
import dev.rekey.core.crypto.SecretBytes;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.Provider;
import java.security.Security;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A seal whose AES-256 key never leaves an HSM: AES/GCM/NoPadding with associated data runs inside
 * the token, through the JDK's SunPKCS11 provider. On {@link #open(Pkcs11Config)} the key with the
 * configured label is looked up; when absent it is generated inside the token as a persistent,
 * private, sensitive and non-extractable object. Output is {@code nonce || ciphertext || tag},
 * the same layout as {@link AesGcm}.
 */
public final class Pkcs11Seal implements Seal {
  public static final String TYPE = "pkcs11";
  private static final Logger LOG = LoggerFactory.getLogger(Pkcs11Seal.class);

  private final Pkcs11Config config;
  private final Provider provider;
  private final SecretKey key;

  private Pkcs11Seal(Pkcs11Config config, Provider provider, SecretKey key) {
    this.config = config;
    this.provider = provider;
    this.key = key;
  }

  /**
   * Loads the PKCS#11 module, logs in and finds or creates the seal key. Throws ILLEGAL_STATE with
   * the cause when the module, the token, the PIN or the key is unusable.
   */
  public static Pkcs11Seal open(Pkcs11Config config) {
    Provider provider;
    try {
      Provider template = Security.getProvider("SunPKCS11");
      if (template == null) {
        throw new RekeyException(ErrorCode.ILLEGAL_STATE, "this JDK has no SunPKCS11 provider");
      }
      provider = template.configure("--" + config.providerConfig());
    } catch (RuntimeException e) {
      if (e instanceof RekeyException r) {
        throw r;
      }
      throw new RekeyException(ErrorCode.ILLEGAL_STATE, "cannot load the PKCS#11 module " + config.library()
          + " for " + slotText(config) + ": " + e.getMessage(), e);
    }
    char[] pin = config.pin();
    try {
      KeyStore store = KeyStore.getInstance("PKCS11", provider);
      store.load(null, pin);
      SecretKey key = findOrCreate(store, provider, config.keyLabel());
      return new Pkcs11Seal(config, provider, key);
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new RekeyException(ErrorCode.ILLEGAL_STATE, "cannot use the PKCS#11 token (" + slotText(config)
          + ", key '" + config.keyLabel() + "'): " + e.getMessage() + "; check the slot and the PIN", e);
    } finally {
      Arrays.fill(pin, '\0');
    }
  }

  private static SecretKey findOrCreate(KeyStore store, Provider provider, String label)
      throws GeneralSecurityException {
    synchronized (Pkcs11Seal.class) {
      Key existing = store.getKey(label, null);
      if (existing != null) {
        if (!(existing instanceof SecretKey s) || !"AES".equalsIgnoreCase(existing.getAlgorithm())) {
          throw new GeneralSecurityException("the object labelled '" + label + "' is not an AES secret key");
        }
        return s;
      }
      KeyGenerator generator = KeyGenerator.getInstance("AES", provider);
      generator.init(256);
      SecretKey sessionKey = generator.generateKey();
      // Copies the session key into a persistent token object carrying the label (C_CopyObject).
      store.setEntry(label, new KeyStore.SecretKeyEntry(sessionKey), null);
      Key stored = store.getKey(label, null);
      if (!(stored instanceof SecretKey s)) {
        throw new GeneralSecurityException("the generated key could not be stored in the token");
      }
      LOG.info("Generated the root seal key '{}' inside the PKCS#11 token", label);
      return s;
    }
  }

  private static String slotText(Pkcs11Config config) {
    return config.slot() != null ? "slot " + config.slot() : "slotListIndex " + config.slotListIndex();
  }

  public Pkcs11Config config() {
    return config;
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public boolean ready() {
    return true;
  }

  @Override
  public byte[] seal(SecretBytes plaintext, byte[] associatedData) {
    byte[] nonce = Randomness.bytes(AesGcm.NONCE_LENGTH);
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding", provider);
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(AesGcm.TAG_LENGTH * 8, nonce));
      if (associatedData != null && associatedData.length > 0) {
        c.updateAAD(associatedData);
      }
      byte[] body = c.doFinal(plaintext.reveal(SecretAccess.get()));
      byte[] out = new byte[nonce.length + body.length];
      System.arraycopy(nonce, 0, out, 0, nonce.length);
      System.arraycopy(body, 0, out, nonce.length, body.length);
      return out;
    } catch (GeneralSecurityException e) {
      throw new RekeyException(ErrorCode.INTERNAL, "the PKCS#11 token failed to seal: " + e.getMessage(), e);
    }
  }

  @Override
  public SecretBytes open(byte[] sealed, byte[] associatedData) {
    if (sealed.length < AesGcm.NONCE_LENGTH + AesGcm.TAG_LENGTH) {
      throw RekeyException.decryptionFailed();
    }
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding", provider);
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(AesGcm.TAG_LENGTH * 8, sealed, 0, AesGcm.NONCE_LENGTH));
      if (associatedData != null && associatedData.length > 0) {
        c.updateAAD(associatedData);
      }
      return SecretBytes.wrap(c.doFinal(sealed, AesGcm.NONCE_LENGTH, sealed.length - AesGcm.NONCE_LENGTH));
    } catch (GeneralSecurityException | IllegalArgumentException | java.security.ProviderException e) {
      throw RekeyException.decryptionFailed();
    }
  }

  /**
   * Does not log out: PKCS#11 login state belongs to the whole process per token, so a logout
   * would also break every other seal or provider on the same token in this JVM. The provider's
   * sessions are released with it. (For the same reason a second seal in a process that is
   * already logged in to the token does not re-check its PIN.)
   */
  @Override
  public void close() {}

  @Override
  public String toString() {
    return "Pkcs11Seal[" + config + "]";
  }
}
