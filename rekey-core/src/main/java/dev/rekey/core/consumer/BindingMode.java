package dev.rekey.core.consumer;

import dev.rekey.core.RekeyException;
import java.util.Locale;

/**
 * LATEST: the binding follows the key's primary; an observed use of a newer version moves it.
 * PINNED: the binding names an explicit version that moves only when the consumer confirms.
 */
public enum BindingMode {
  LATEST, PINNED;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static BindingMode fromWire(String s) {
    if (s == null) {
      return LATEST;
    }
    for (BindingMode m : values()) {
      if (m.wireName().equals(s)) {
        return m;
      }
    }
    throw RekeyException.invalid("mode must be 'latest' or 'pinned'");
  }
}
