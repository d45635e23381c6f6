package dev.rekey.core.consumer;

import java.util.Map;

/** A consumer's binding by tag selector: every key whose tags include all of {@code tags}. */
public record Selector(String consumer, Map<String, String> tags, BindingMode mode) {
  public Selector {
    tags = Map.copyOf(tags);
  }

  public boolean matches(Map<String, String> keyTags) {
    for (Map.Entry<String, String> t : tags.entrySet()) {
      if (!t.getValue().equals(keyTags.get(t.getKey()))) {
        return false;
      }
    }
    return true;
  }
}
