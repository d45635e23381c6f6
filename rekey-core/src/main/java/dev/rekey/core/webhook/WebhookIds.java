package dev.rekey.core.webhook;

import dev.rekey.core.crypto.Randomness;
import java.time.Instant;
import java.util.HexFormat;

/** Identifiers: subscriptions {@code wh_<random>}, deliveries {@code dlv_<time><random>} (sortable by creation). */
final class WebhookIds {
  private WebhookIds() {}

  static String webhook() {
    return "wh_" + HexFormat.of().formatHex(Randomness.bytes(10));
  }

  static String delivery(Instant now) {
    long micros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    return "dlv_" + String.format("%014x", micros) + HexFormat.of().formatHex(Randomness.bytes(5));
  }
}
