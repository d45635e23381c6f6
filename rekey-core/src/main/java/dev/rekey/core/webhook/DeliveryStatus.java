package dev.rekey.core.webhook;

import java.util.Locale;

/** Where a delivery stands: waiting for its next attempt, delivered (a 2xx), or dead-lettered. */
public enum DeliveryStatus {
  PENDING, DELIVERED, DEAD;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static DeliveryStatus fromWire(String s) {
    return valueOf(s.toUpperCase(Locale.ROOT));
  }
}
