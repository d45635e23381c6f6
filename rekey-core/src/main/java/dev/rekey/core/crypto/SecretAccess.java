package dev.rekey.core.crypto;

/**
 * A capability that must be passed to read secret bytes. Every call site of {@link #get()} is a
 * place where key material or plaintext leaves its wrapper; reviewers grep for it.
 */
public final class SecretAccess {
  private static final SecretAccess INSTANCE = new SecretAccess();

  private SecretAccess() {}

  public static SecretAccess get() {
    return INSTANCE;
  }
}
