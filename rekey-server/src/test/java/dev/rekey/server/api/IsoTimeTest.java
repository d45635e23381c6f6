package dev.rekey.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** IsoTime writes exactly what Instant.toString writes. */
class IsoTimeTest {
  @Test
  void matchesInstantToString_onEdgesAndRandomInstants() {
    List<Instant> edges = List.of(Instant.EPOCH, Instant.ofEpochSecond(-1), Instant.ofEpochSecond(0, 1),
        Instant.parse("0000-01-01T00:00:00Z"), Instant.parse("9999-12-31T23:59:59.999999999Z"),
        Instant.parse("2000-02-29T12:00:00.5Z"), Instant.parse("1900-03-01T00:00:00.000001Z"),
        Instant.parse("2026-12-07T03:19:36.120Z"), Instant.parse("1969-12-31T23:59:59.999Z"),
        Instant.parse("-0001-12-31T23:59:59Z"), Instant.parse("+10000-01-01T00:00:00Z"), Instant.MIN, Instant.MAX);
    for (Instant t : edges) {
      assertThat(IsoTime.format(t)).as("%s", t).isEqualTo(t.toString());
    }
    Random random = new Random(7);
    for (int i = 0; i < 200_000; i++) {
      long second = -62_167_219_200L + (long) (random.nextDouble() * 315_569_520_000L);
      int nano = switch (i % 4) {
        case 0 -> 0;
        case 1 -> random.nextInt(1_000) * 1_000_000;
        case 2 -> random.nextInt(1_000_000) * 1_000;
        default -> random.nextInt(1_000_000_000);
      };
      Instant t = Instant.ofEpochSecond(second, nano);
      assertThat(IsoTime.format(t)).as("%s", t).isEqualTo(t.toString());
    }
  }
}
