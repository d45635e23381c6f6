package dev.rekey.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NativeCryptoTest {

  @Test
  void mode_knownSettingsAnyCaseAndBlankIsAuto_unknownIsNull() {
    assertThat(NativeCrypto.mode(null)).isEqualTo("auto");
    assertThat(NativeCrypto.mode("  ")).isEqualTo("auto");
    assertThat(NativeCrypto.mode("AUTO")).isEqualTo("auto");
    assertThat(NativeCrypto.mode(" off ")).isEqualTo("off");
    assertThat(NativeCrypto.mode("Required")).isEqualTo("required");
    assertThat(NativeCrypto.mode("on")).isNull();
    assertThat(NativeCrypto.mode("false")).isNull();
  }

  @Test
  void status_thisMachine_namesWhatIsInUse() {
    String status = NativeCrypto.status();
    if (NativeCrypto.provider().isPresent()) {
      assertThat(status).contains("AWS-LC").contains("ACCP");
      // the provider is asked for its Ed25519 key factory only while it is made: the property is restored
      assertThat(System.getProperty("com.amazon.corretto.crypto.provider.registerEdKeyFactory")).isNull();
    } else {
      assertThat(status).contains("portable");
    }
  }
}
