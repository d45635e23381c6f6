package dev.rekey.core.root;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rekey.core.crypto.SecretBytes;
import dev.rekey.core.key.Key;
import dev.rekey.core.key.KeyType;
import dev.rekey.core.key.KeyVersion;
import dev.rekey.core.port.KeyRepository;
import dev.rekey.core.testing.InMemoryKeyRepository;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** Stores keys wrapped by a keyring and remembers their plaintext to check unwrapping later. */
final class RootTestKeys {
  static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");
  final Map<String, SecretBytes> plaintext = new HashMap<>();

  /** Inserts {@code count} keys with {@code versions} versions each into {@code repo}. */
  void insert(KeyRepository repo, RootKeyring keyring, String namespace, int count, int versions) {
    for (int i = 0; i < count; i++) {
      String name = String.format("key-%05d", i);
      Key key = Key.create(namespace, name, KeyType.AES256_GCM, Map.of(), wrap(keyring, namespace, name, 1), NOW);
      for (int v = 2; v <= versions; v++) {
        key = key.rotate(wrap(keyring, namespace, name, v), true, NOW);
      }
      repo.insert(key);
    }
  }

  private dev.rekey.core.key.WrappedKey wrap(RootKeyring keyring, String ns, String name, int version) {
    SecretBytes material = SecretBytes.random(32);
    plaintext.put(ns + "/" + name + "/" + version, material);
    return keyring.wrap(material, MaterialBinding.keyVersion(ns, name, version));
  }

  /** Every stored version unwraps under {@code keyring} to its original plaintext. */
  void assertAllUnwrap(InMemoryKeyRepository repo, RootKeyring keyring) {
    int checked = 0;
    for (Key key : repo.all()) {
      for (KeyVersion v : key.versions()) {
        SecretBytes plain = keyring.unwrap(v.material(),
            MaterialBinding.keyVersion(key.namespace(), key.name(), v.number()));
        assertThat(plain.sameAs(plaintext.get(key.namespace() + "/" + key.name() + "/" + v.number())))
            .as("%s/%s v%d", key.namespace(), key.name(), v.number()).isTrue();
        checked++;
      }
    }
    assertThat(checked).isEqualTo(plaintext.size());
  }

  static void assertAllWrappedBy(InMemoryKeyRepository repo, String rootKeyId) {
    for (Key key : repo.all()) {
      assertThat(key.versions()).allSatisfy(v -> assertThat(v.material().rootKeyId()).isEqualTo(rootKeyId));
    }
  }
}
