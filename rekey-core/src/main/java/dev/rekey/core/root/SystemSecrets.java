package dev.rekey.core.root;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.crypto.SecretBytes;
import dev.rekey.core.key.WrappedKey;
import dev.rekey.core.port.SystemRepository;
import dev.rekey.core.port.Transactions;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Secrets of the server itself (the audit signing and HMAC keys, ...) kept in the
 * {@link SystemRepository}, wrapped by the root keyring and bound to their name with
 * {@link MaterialBinding#system(String)}. The stored value is {@code "RSW1" | root key id |
 * ciphertext}.
 *
 * <p>Every name ever stored is recorded in the index {@link #INDEX_NAME} (before the secret
 * itself), so root key rotation finds and re-wraps all of them without a registry.
 */
public final class SystemSecrets {
  /** Newline-separated names of all system secrets. */
  public static final String INDEX_NAME = "system-secrets-index";
  private static final byte[] MAGIC = "RSW1".getBytes(StandardCharsets.US_ASCII);
  private static final Set<String> RESERVED =
      Set.of(INDEX_NAME, RootOfTrust.KEYRING_NAME, RootOfTrust.SEAL_CONFIG_NAME);

  private SystemSecrets() {}

  /**
   * Wraps {@code secret} under the keyring's current generation and stores it under {@code name}
   * if that name has no value yet. Returns false, writing nothing, when it already has one (another
   * node won: {@link #load} it).
   */
  public static boolean store(SystemRepository repo, RootKeyring keyring, String name, SecretBytes secret) {
    checkName(name);
    register(repo, name);
    return repo.putIfAbsent(name, encode(keyring.wrap(secret, MaterialBinding.system(name))));
  }

  /** The secret stored under {@code name}, or empty. A wrong binding or tampering is DECRYPTION_FAILED. */
  public static Optional<SecretBytes> load(SystemRepository repo, RootKeyring keyring, String name) {
    checkName(name);
    return repo.get(name).map(value -> keyring.unwrap(decode(name, value), MaterialBinding.system(name)));
  }

  /**
   * Loads {@code name}, first storing a secret from {@code generator} when there is none. A
   * server uses {@link RootOfTrust#loadOrCreateSystemSecret}, which guards the store against a
   * concurrent root key rotation.
   */
  public static SecretBytes loadOrCreate(SystemRepository repo, RootKeyring keyring, String name,
      Supplier<SecretBytes> generator) {
    Optional<SecretBytes> existing = load(repo, keyring, name);
    if (existing.isPresent()) {
      return existing.get();
    }
    SecretBytes fresh = generator.get();
    try {
      store(repo, keyring, name, fresh);
    } finally {
      fresh.destroy();
    }
    return load(repo, keyring, name).orElseThrow(() ->
        new IllegalStateException("system secret '" + name + "' vanished after it was stored"));
  }

  /**
   * {@link RootOfTrust#loadOrCreateSystemSecret} of {@code root}, which keeps its keyring in
   * {@code repo}: a new secret is stored in a transaction that first checks its generation
   * ({@link RootOfTrust#requireLive}), wrapped again and retried when a rotation dropped it.
   */
  static SecretBytes loadOrCreate(RootOfTrust root, SystemRepository repo, Transactions transactions, String name,
      Supplier<SecretBytes> generator) {
    Optional<SecretBytes> existing = load(repo, root.keyring(), name);
    if (existing.isPresent()) {
      return existing.get();
    }
    SecretBytes fresh = generator.get();
    try {
      for (int attempt = 1; ; attempt++) {
        RootKeyring k = root.keyring();
        try {
          transactions.inTransaction(() -> {
            root.requireLive(k.currentId());
            return store(repo, k, name, fresh);
          });
          break;
        } catch (RekeyException e) {
          if (e.code() != ErrorCode.CONCURRENT_MODIFICATION || attempt >= 3) {
            throw e;
          }
        }
      }
    } finally {
      fresh.destroy();
    }
    return load(repo, root.keyring(), name).orElseThrow(() ->
        new IllegalStateException("system secret '" + name + "' vanished after it was stored"));
  }

  /** The generation that wraps {@code name}, or empty when there is no such secret. */
  public static Optional<String> rootKeyId(SystemRepository repo, String name) {
    return repo.get(name).map(value -> decode(name, value).rootKeyId());
  }

  /** Every name ever stored through {@link #store}, whether or not it still has a value. */
  public static List<String> names(SystemRepository repo) {
    return repo.get(INDEX_NAME).map(SystemSecrets::parseIndex).orElse(List.of());
  }

  /**
   * Re-wraps {@code name} under the keyring's current generation when another generation wraps it
   * (root key rotation). Returns whether it wrote. Safe against concurrent writers (compare-and-set).
   */
  public static boolean rewrap(SystemRepository repo, RootKeyring keyring, String name) {
    byte[] binding = MaterialBinding.system(name);
    while (true) {
      Optional<byte[]> stored = repo.get(name);
      if (stored.isEmpty()) {
        return false;
      }
      WrappedKey old = decode(name, stored.get());
      if (old.rootKeyId().equals(keyring.currentId())) {
        return false;
      }
      SecretBytes plain = keyring.unwrap(old, binding);
      try {
        if (repo.compareAndSet(name, stored.get(), encode(keyring.wrap(plain, binding)))) {
          return true;
        }
      } finally {
        plain.destroy();
      }
    }
  }

  private static void register(SystemRepository repo, String name) {
    while (true) {
      Optional<byte[]> index = repo.get(INDEX_NAME);
      if (index.isEmpty()) {
        if (repo.putIfAbsent(INDEX_NAME, (name + "\n").getBytes(StandardCharsets.UTF_8))) {
          return;
        }
        continue;
      }
      List<String> names = parseIndex(index.get());
      if (names.contains(name)) {
        return;
      }
      List<String> next = new ArrayList<>(names);
      next.add(name);
      if (repo.compareAndSet(INDEX_NAME, index.get(), (String.join("\n", next) + "\n").getBytes(StandardCharsets.UTF_8))) {
        return;
      }
    }
  }

  private static List<String> parseIndex(byte[] value) {
    return Arrays.stream(new String(value, StandardCharsets.UTF_8).split("\n"))
        .filter(s -> !s.isEmpty())
        .toList();
  }

  private static void checkName(String name) {
    if (name == null || name.isEmpty() || name.length() > 200 || name.contains("\n") || name.contains("\0")) {
      throw new IllegalArgumentException("a system secret name is 1 to 200 characters without newline or NUL");
    }
    if (RESERVED.contains(name)) {
      throw new IllegalArgumentException("'" + name + "' is reserved for the root of trust");
    }
  }

  static byte[] encode(WrappedKey wrapped) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.write(MAGIC);
      out.writeUTF(wrapped.rootKeyId());
      out.write(wrapped.ciphertext());
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static WrappedKey decode(String name, byte[] value) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(value));
      if (!Arrays.equals(in.readNBytes(MAGIC.length), MAGIC)) {
        throw new IllegalStateException("system secret '" + name + "' is not in a known format");
      }
      String rootKeyId = in.readUTF();
      return new WrappedKey(in.readAllBytes(), rootKeyId);
    } catch (IOException e) {
      throw new IllegalStateException("system secret '" + name + "' is corrupt", e);
    }
  }
}
