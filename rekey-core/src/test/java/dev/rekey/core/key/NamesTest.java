package dev.rekey.core.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NamesTest {
  /** The documented grammars; the hand-written checks must agree with them exactly. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

  @ParameterizedTest
  @ValueSource(strings = {"a", "Z", "0", "orders", "billing-key_v2.prod", "A.B-C_D", "", "-a", ".a", "_a",
      "a b", "a/b", "a:b", "é", "a\u0000", "ORDERS", "tenant-1", "tenant_1", "Tenant", "a.b"})
  void validName_andValidNamespace_agreeWithTheDocumentedGrammar(String candidate) {
    assertThat(Names.validName(candidate)).isEqualTo(NAME.matcher(candidate).matches());
    assertThat(Names.validNamespace(candidate)).isEqualTo(NAMESPACE.matcher(candidate).matches());
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 63, 64, 65, 127, 128, 129, 300})
  void lengths_atAndAroundTheLimits_agreeWithTheGrammar(int length) {
    String candidate = "a".repeat(length);
    assertThat(Names.validName(candidate)).isEqualTo(length <= 128);
    assertThat(Names.validNamespace(candidate)).isEqualTo(length <= 64);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "bad name", "-x"})
  void keyName_invalid_throwsInvalidRequest(String candidate) {
    assertThatThrownBy(() -> Names.keyName(candidate)).isInstanceOf(RekeyException.class)
        .extracting(e -> ((RekeyException) e).code()).isEqualTo(ErrorCode.INVALID_REQUEST);
  }

  @org.junit.jupiter.api.Test
  void keyName_null_throwsInvalidRequest() {
    assertThatThrownBy(() -> Names.keyName(null)).isInstanceOf(RekeyException.class);
    assertThatThrownBy(() -> Names.namespace(null)).isInstanceOf(RekeyException.class);
  }

  @org.junit.jupiter.api.Test
  void wellFormed_refusesUnpairedSurrogates_only() {
    assertThat(Names.wellFormed("")).isTrue();
    assertThat(Names.wellFormed("pw é \ud83d\ude00 end")).isTrue(); // a pair: one character
    assertThat(Names.wellFormed("pw\ud800")).isFalse();
    assertThat(Names.wellFormed("\udc00pw")).isFalse();
    assertThat(Names.wellFormed("\ud83d\ud83d\ude00")).isFalse();
    assertThat(Names.wellFormed("\ude00\ud83d")).isFalse();

    assertThatThrownBy(() -> Names.tags(java.util.Map.of("team", "a\ud800")))
        .isInstanceOfSatisfying(RekeyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
  }
}
