package dev.rekey.core.key;

import dev.rekey.core.RekeyException;
import java.util.Map;
import java.util.regex.Pattern;

/** Validation of names, namespaces and tags, with messages that say what is allowed. */
public final class Names {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
  private static final Pattern TAG_KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/:-]{0,127}");
  public static final int MAX_TAGS = 50;
  public static final int MAX_TAG_VALUE = 256;
  public static final String DEFAULT_NAMESPACE = "default";

  private Names() {}

  public static String keyName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw RekeyException.invalid("invalid key name: use 1 to 128 characters from A-Z a-z 0-9 . _ -,"
          + " starting with a letter or digit");
    }
    return name;
  }

  public static String namespace(String ns) {
    if (ns == null || !NAMESPACE.matcher(ns).matches()) {
      throw RekeyException.invalid("invalid namespace: use 1 to 64 characters from a-z 0-9 _ -,"
          + " starting with a letter or digit");
    }
    return ns;
  }

  public static Map<String, String> tags(Map<String, String> tags) {
    if (tags == null) {
      return Map.of();
    }
    if (tags.size() > MAX_TAGS) {
      throw RekeyException.invalid("too many tags: at most " + MAX_TAGS);
    }
    tags.forEach((k, v) -> {
      if (k == null || !TAG_KEY.matcher(k).matches()) {
        throw RekeyException.invalid("invalid tag name: use 1 to 128 characters from A-Z a-z 0-9 . _ / : -");
      }
      if (v == null || v.length() > MAX_TAG_VALUE) {
        throw RekeyException.invalid("tag '" + k + "' needs a value of at most " + MAX_TAG_VALUE + " characters");
      }
    });
    return Map.copyOf(tags);
  }
}
