package dev.rekey.core.consumer;

import java.util.Locale;

/** How a binding came to be: bound by name, through a tag selector, or observed in use. */
public enum BindingOrigin {
  EXPLICIT, SELECTOR, OBSERVED;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
