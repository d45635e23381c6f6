package dev.rekey.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HexTest {
  @Test
  void agreesWithTheJdkFormatter_bothWays() {
    Random random = new Random(1);
    for (int i = 0; i < 2_000; i++) {
      byte[] bytes = new byte[random.nextInt(70)];
      random.nextBytes(bytes);
      String jdk = HexFormat.of().formatHex(bytes);
      assertThat(Hex.encode(bytes)).isEqualTo(jdk);
      assertThat(Hex.decode(jdk)).isEqualTo(bytes);
      assertThat(Hex.decode(jdk.toUpperCase(java.util.Locale.ROOT))).isEqualTo(bytes);
    }
  }

  @Test
  void refusesOddLengthsAndAnythingButHexDigits() {
    for (String bad : new String[] {"a", "abc", "0g", "g0", " 0", "0x", "\u0663\u0663", "\uff21\uff21", "+1"}) {
      assertThatThrownBy(() -> Hex.decode(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(Hex.decode("")).isEmpty();
  }
}
