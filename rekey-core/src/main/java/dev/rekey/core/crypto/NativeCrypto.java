package dev.rekey.core.crypto;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Provider;
import java.security.Signature;
import java.util.Locale;
import java.util.Optional;

/**
 * The optional native JCA provider: Amazon Corretto Crypto Provider (ACCP), which runs AWS-LC's
 * code through JNI. Here it signs Ed25519 about three times and ECDSA P-256 about five times
 * faster than BouncyCastle (BENCHMARKS.md section 4). Its jar carries the Linux x86-64 library
 * (unpacked into {@code java.io.tmpdir} when loaded); elsewhere, or when it fails its own
 * self-tests or lacks a service Rekey uses, Rekey uses its portable code (BouncyCastle and the
 * JDK) and says so at start-up.
 *
 * <p>{@code REKEY_NATIVE_CRYPTO} (environment), or the system property {@code rekey.crypto.native}
 * which takes precedence, chooses: {@code auto} (the default: native when it is usable),
 * {@code off} (portable code only) or {@code required} (refuse to start without it).
 */
public final class NativeCrypto {
  static final String ENV = "REKEY_NATIVE_CRYPTO";
  static final String PROPERTY = "rekey.crypto.native";

  private NativeCrypto() {}

  /** The native provider when it is in use. */
  public static Optional<Provider> provider() {
    return Loaded.PROVIDER;
  }

  /**
   * Refuses an unknown setting, without loading the provider (the server checks this before it
   * starts anything, and loads the provider beside its other start-up work).
   *
   * @throws IllegalArgumentException when the setting is not {@code auto}, {@code off} or {@code required}
   */
  public static void checkSetting() {
    String setting = setting();
    if (mode(setting) == null) {
      throw new IllegalArgumentException(source() + " must be auto, off or required, not '" + setting + "'");
    }
  }

  /**
   * One line for the start-up log: what is in use and why. The first call loads the provider
   * (about 0.4 s: its library is unpacked and self-tested).
   *
   * @throws IllegalArgumentException when the setting is not a known mode, or is {@code required}
   *     and the native provider is not usable: the server refuses to start
   */
  public static String status() {
    if (Loaded.PROBLEM != null) {
      throw new IllegalArgumentException(Loaded.PROBLEM);
    }
    return Loaded.STATUS;
  }

  private static String setting() {
    String v = System.getProperty(PROPERTY);
    return v != null ? v : System.getenv(ENV);
  }

  private static String source() {
    return System.getProperty(PROPERTY) != null ? "-D" + PROPERTY : ENV;
  }

  /** {@code auto}, {@code off} or {@code required} for a setting (unset or blank is {@code auto}); null if unknown. */
  static String mode(String setting) {
    String v = setting == null || setting.isBlank() ? "auto" : setting.trim().toLowerCase(Locale.ROOT);
    return v.equals("auto") || v.equals("off") || v.equals("required") ? v : null;
  }

  /**
   * The provider and its status, loaded when first asked for: {@link #checkSetting} and
   * {@link #mode} do not load it (class initialisation of this holder does).
   */
  private static final class Loaded {
    private static final Optional<Provider> PROVIDER;
    private static final String STATUS;
    /** Why the configured mode cannot be honoured, or null. */
    private static final String PROBLEM;

    static {
      String setting = setting();
      String mode = mode(setting);
      Provider found = null;
      String status;
      if (mode == null) {
        status = "not used";
      } else if (mode.equals("off")) {
        status = "off (" + source() + "=off): portable BouncyCastle and JDK code";
      } else {
        try {
          found = Accp.load(); // the only reference to ACCP's classes: a missing jar fails here, inside the try
          status = Accp.describe(found);
        } catch (Throwable e) { // a missing or foreign-platform library surfaces as a LinkageError
          status = "unavailable (" + e.getClass().getSimpleName() + ": " + e.getMessage()
              + "): portable BouncyCastle and JDK code";
        }
      }
      PROVIDER = Optional.ofNullable(found);
      STATUS = status;
      PROBLEM = mode == null ? source() + " must be auto, off or required, not '" + setting + "'"
          : found == null && mode.equals("required") ? source() + "=required but the native provider is " + status
          : null;
    }
  }

  /** Everything that names ACCP's classes, so that they are loaded only inside the try above. */
  private static final class Accp {
    /** ACCP registers its Ed25519 key factory only when asked (documented in its README). */
    private static final String ED_KEY_FACTORY = "com.amazon.corretto.crypto.provider.registerEdKeyFactory";

    static Provider load() throws GeneralSecurityException {
      String previous = System.getProperty(ED_KEY_FACTORY);
      System.setProperty(ED_KEY_FACTORY, "true");
      com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider accp;
      try {
        accp = com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider.INSTANCE;
      } finally { // read once, when the provider is made: leave the process's properties as they were
        if (previous == null) {
          System.clearProperty(ED_KEY_FACTORY);
        } else {
          System.setProperty(ED_KEY_FACTORY, previous);
        }
      }
      accp.assertHealthy();
      // every service Rekey asks it for, so that a partial provider is not used at all
      KeyFactory.getInstance("EdDSA", accp);
      KeyFactory.getInstance("EC", accp);
      for (String s : new String[] {"Ed25519", "SHA256withECDSA", "SHA384withECDSA", "NONEwithECDSA"}) {
        Signature.getInstance(s, accp);
      }
      return accp;
    }

    static String describe(Provider p) {
      var accp = (com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider) p;
      return accp.getAwsLcVersionStr() + " through ACCP " + accp.getVersionStr();
    }
  }
}
