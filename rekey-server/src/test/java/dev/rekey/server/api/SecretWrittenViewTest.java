package dev.rekey.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rekey.api.SecretVersionView;
import dev.rekey.core.key.WrappedKey;
import dev.rekey.core.secret.Secret;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A put's answer lists the newest version and every labelled one, in version order, once each. */
class SecretWrittenViewTest {
  private static final Instant T0 = Instant.parse("2026-12-07T07:00:00Z");

  private static WrappedKey value(int n) {
    return new WrappedKey(("wrapped-" + n).getBytes(StandardCharsets.UTF_8), "root-1");
  }

  private static Secret history(int versions) {
    Secret s = Secret.create("default", "db", Map.of(), value(1), null, T0);
    for (int i = 2; i <= versions; i++) {
      s = s.addVersion(value(i), null, false, T0.plusSeconds(i));
    }
    return s;
  }

  private static List<Integer> listed(Secret s) {
    return Views.secretWritten(s).versions().stream().map(SecretVersionView::version).toList();
  }

  @Test
  void aPlainPut_listsPreviousAndCurrent() {
    assertThat(listed(history(1))).containsExactly(1);
    assertThat(listed(history(40))).containsExactly(39, 40);
  }

  @Test
  void aPendingPut_listsItBesideCurrentAndPrevious() {
    Secret s = history(10).addVersion(value(11), null, true, T0.plusSeconds(99));

    assertThat(listed(s)).containsExactly(9, 10, 11);
    assertThat(Views.secretWritten(s).versions().get(2).labels()).containsExactly("PENDING");
  }

  @Test
  void customLabels_addTheirVersionsOnce() {
    Secret s = history(10).withLabel("blue", 3).withLabel("green", 10).withLabel("stable", 3);

    assertThat(listed(s)).containsExactly(3, 9, 10);
    assertThat(Views.secretWritten(s).versions().get(2).labels()).containsExactly("CURRENT", "green");
  }
}
