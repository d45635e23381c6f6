package dev.rekey.core.crypto;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import java.security.Provider;
import java.util.Locale;
import java.util.Optional;

/**
 * The optional native JCA provider: Amazon Corretto Crypto Provider (ACCP), which runs AWS-LC's
 * code through JNI. Here it signs Ed25519 about three times faster than BouncyCastle
 * (BENCHMARKS.md section 4). Its jar carries the Linux x86-64 library; elsewhere, or when it fails
 * its own self-tests, Rekey uses its portable code (BouncyCastle and the JDK) and says so at
 * start-up.
 *
 * <p>{@code REKEY_NATIVE_CRYPTO} (environment) or {@code rekey.crypto.native} (system property)
 * chooses: {@code auto} (the default: native when it loads and passes its self-tests),
 * {@code off} (portable code only) or {@code required} (refuse to start without it).
 */
public final class NativeCrypto {
  private static final String ENV = "REKEY_NATIVE_CRYPTO";
  private static final String PROPERTY = "rekey.crypto.native";
  /** ACCP registers its Ed25519 key factory only when asked (documented in its README). */
  private static final String ACCP_ED_KEY_FACTORY = "com.amazon.corretto.crypto.provider.registerEdKeyFactory";

  private static final Optional<Provider> PROVIDER;
  private static final String STATUS;
  /** Why the configured mode cannot be honoured, or null. */
  private static final String PROBLEM;

  static {
    String mode = mode();
    Provider found = null;
    String status;
    if (mode == null) {
      status = "not used: " + ENV + " must be auto, off or required";
    } else if (mode.equals("off")) {
      status = "off (" + ENV + "=off): portable BouncyCastle and JDK code";
    } else {
      try {
        if (System.getProperty(ACCP_ED_KEY_FACTORY) == null) {
          System.setProperty(ACCP_ED_KEY_FACTORY, "true");
        }
        AmazonCorrettoCryptoProvider accp = AmazonCorrettoCryptoProvider.INSTANCE;
        accp.assertHealthy();
        found = accp;
        status = accp.getAwsLcVersionStr() + " through ACCP " + accp.getVersionStr();
      } catch (Throwable e) { // a missing or foreign-platform native library surfaces as a LinkageError
        status = "unavailable (" + e.getClass().getSimpleName() + "): portable BouncyCastle and JDK code";
      }
    }
    PROVIDER = Optional.ofNullable(found);
    STATUS = status;
    PROBLEM = mode == null ? ENV + " must be auto, off or required"
        : found == null && mode.equals("required") ? ENV + "=required but the native provider is " + status
        : null;
  }

  private NativeCrypto() {}

  /** The native provider when it is in use. */
  public static Optional<Provider> provider() {
    return PROVIDER;
  }

  /**
   * One line for the start-up log: what is in use and why.
   *
   * @throws IllegalStateException when the setting is not a known mode, or is {@code required} and
   *     the native provider did not load: the server refuses to start
   */
  public static String status() {
    if (PROBLEM != null) {
      throw new IllegalStateException(PROBLEM);
    }
    return STATUS;
  }

  private static String mode() {
    String v = System.getProperty(PROPERTY);
    if (v == null) {
      v = System.getenv(ENV);
    }
    v = v == null || v.isBlank() ? "auto" : v.trim().toLowerCase(Locale.ROOT);
    return v.equals("auto") || v.equals("off") || v.equals("required") ? v : null;
  }
}
