package dev.rekey.core.root;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.core.testing.SoftHsm;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class Pkcs11ConfigTest {

  private static Pkcs11Config.Builder valid() {
    return Pkcs11Config.builder().library(SoftHsm.LIBRARY).slotListIndex(0).pin("1234".toCharArray());
  }

  @Test
  void build_valid_keepsSettingsAndHidesPin() {
    Pkcs11Config config = valid().keyLabel("root").build();
    assertThat(config.slotListIndex()).isZero();
    assertThat(config.slot()).isNull();
    assertThat(config.keyLabel()).isEqualTo("root");
    assertThat(config.toString()).contains("slotListIndex=0").contains("pin=redacted").doesNotContain("1234");
  }

  @Test
  void build_noLabel_usesDefault() {
    assertThat(valid().build().keyLabel()).isEqualTo("rekey-root-seal");
  }

  @Test
  void build_missingSettings_sayWhatToSet() {
    assertThatThrownBy(() -> Pkcs11Config.builder().slotListIndex(0).pin("1".toCharArray()).build())
        .hasMessageContaining("pkcs11 library is required");
    assertThatThrownBy(() -> valid().library(Path.of("/nonexistent/lib.so")).build())
        .hasMessageContaining("/nonexistent/lib.so does not exist");
    assertThatThrownBy(() -> valid().slot(3).build()).hasMessageContaining("exactly one of pkcs11 slot");
    assertThatThrownBy(() -> Pkcs11Config.builder().library(SoftHsm.LIBRARY).pin("1".toCharArray()).build())
        .hasMessageContaining("exactly one of pkcs11 slot");
    assertThatThrownBy(() -> valid().pin(null).build()).hasMessageContaining("pkcs11 pin is required");
    assertThatThrownBy(() -> valid().keyLabel(" ").build()).hasMessageContaining("keyLabel");
  }

  @Test
  void providerConfig_marksGeneratedKeysSensitiveAndNotExtractable() {
    String text = valid().build().providerConfig();
    assertThat(text).contains("library = " + SoftHsm.LIBRARY).contains("slotListIndex = 0")
        .contains("CKA_SENSITIVE = true").contains("CKA_EXTRACTABLE = false").doesNotContain("1234");
  }
}
