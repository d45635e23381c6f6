package dev.rekey.core.crypto.sign;

/** Where the tests expect native signing: Linux x86-64, unless turned off by the environment or property. */
final class NativeSigning {
  private NativeSigning() {}

  static boolean expected() {
    boolean linuxX64 = System.getProperty("os.name").equals("Linux")
        && System.getProperty("os.arch").matches("amd64|x86_64");
    String setting = System.getProperty("rekey.crypto.native", System.getenv("REKEY_NATIVE_CRYPTO"));
    return linuxX64 && !"off".equalsIgnoreCase(setting == null ? "" : setting.trim());
  }
}
