package dev.rekey.core.root;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.core.crypto.SecretAccess;
import dev.rekey.core.crypto.SecretBytes;
import dev.rekey.core.key.WrappedKey;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class RootKeyringTest {
  private final RootKeyring keyring = RootKeyring.generate(Instant.EPOCH);

  @Test
  void unwrap_bindingOfAnotherKey_fails() {
    SecretBytes material = SecretBytes.random(32);
    WrappedKey wrapped = keyring.wrap(material, MaterialBinding.keyVersion("default", "key-a", 1));
    assertThat(keyring.unwrap(wrapped, MaterialBinding.keyVersion("default", "key-a", 1)).sameAs(material)).isTrue();
    assertThatThrownBy(() -> keyring.unwrap(wrapped, MaterialBinding.keyVersion("default", "key-b", 1)))
        .matches(SealContract::decryptionFailed, "DECRYPTION_FAILED");
    assertThatThrownBy(() -> keyring.unwrap(wrapped, MaterialBinding.keyVersion("default", "key-a", 2)))
        .matches(SealContract::decryptionFailed, "DECRYPTION_FAILED");
    assertThatThrownBy(() -> keyring.unwrap(wrapped, MaterialBinding.keyVersion("tenant", "key-a", 1)))
        .matches(SealContract::decryptionFailed, "DECRYPTION_FAILED");
    assertThatThrownBy(() -> keyring.unwrap(wrapped, MaterialBinding.system("key-a")))
        .matches(SealContract::decryptionFailed, "DECRYPTION_FAILED");
  }

  @Test
  void unwrap_unknownGeneration_fails() {
    WrappedKey wrapped = keyring.wrap(SecretBytes.random(32), MaterialBinding.system("x"));
    RootKeyring other = RootKeyring.generate(Instant.EPOCH);
    assertThatThrownBy(() -> other.unwrap(wrapped, MaterialBinding.system("x")))
        .matches(SealContract::decryptionFailed, "DECRYPTION_FAILED");
  }

  @Test
  void withNewGeneration_oldMaterialStillUnwraps() {
    WrappedKey old = keyring.wrap(SecretBytes.random(32), MaterialBinding.system("x"));
    RootKeyring next = keyring.withNewGeneration(Instant.EPOCH);
    assertThat(next.generationIds()).hasSize(2).endsWith(next.currentId());
    assertThat(next.unwrap(old, MaterialBinding.system("x")).length()).isEqualTo(32);
    assertThatThrownBy(() -> next.withoutOldGenerations().unwrap(old, MaterialBinding.system("x")))
        .matches(SealContract::decryptionFailed, "DECRYPTION_FAILED");
  }

  @Test
  void toString_containsNoKeyMaterial() {
    String hex = HexFormat.of().formatHex(keyring.serialize().reveal(SecretAccess.get()));
    String text = keyring.withNewGeneration(Instant.EPOCH).toString();
    assertThat(text).startsWith("RootKeyring[current=root-");
    for (int i = 0; i + 16 <= hex.length(); i += 8) {
      assertThat(text).doesNotContain(hex.substring(i, i + 16));
    }
  }
}
