package dev.rekey.core.key;

import dev.rekey.core.RekeyException;
import java.util.Map;
import java.util.regex.Pattern;

/** Validation of names, namespaces and tags, with messages that say what is allowed. */
public final class Names {
  private static final Pattern TAG_KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/:-]{0,127}");
  public static final int MAX_TAGS = 50;
  public static final int MAX_TAG_VALUE = 256;
  public static final String DEFAULT_NAMESPACE = "default";

  private Names() {}

  public static String keyName(String name) {
    if (!validName(name)) {
      throw RekeyException.invalid("invalid key name: use 1 to 128 characters from A-Z a-z 0-9 . _ -,"
          + " starting with a letter or digit");
    }
    return name;
  }

  public static String namespace(String ns) {
    if (!validNamespace(ns)) {
      throw RekeyException.invalid("invalid namespace: use 1 to 64 characters from a-z 0-9 _ -,"
          + " starting with a letter or digit");
    }
    return ns;
  }

  /** {@code [A-Za-z0-9][A-Za-z0-9._-]{0,127}}, checked without a regex: this runs on every request. */
  public static boolean validName(String name) {
    if (name == null || name.isEmpty() || name.length() > 128 || !alnum(name.charAt(0), true)) {
      return false;
    }
    for (int i = 1; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!alnum(c, true) && c != '.' && c != '_' && c != '-') {
        return false;
      }
    }
    return true;
  }

  /** {@code [a-z0-9][a-z0-9_-]{0,63}}, checked without a regex. */
  static boolean validNamespace(String ns) {
    if (ns == null || ns.isEmpty() || ns.length() > 64 || !alnum(ns.charAt(0), false)) {
      return false;
    }
    for (int i = 1; i < ns.length(); i++) {
      char c = ns.charAt(i);
      if (!alnum(c, false) && c != '_' && c != '-') {
        return false;
      }
    }
    return true;
  }

  private static boolean alnum(char c, boolean upperToo) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (upperToo && c >= 'A' && c <= 'Z');
  }

  /**
   * True when {@code s} has no unpaired surrogate, so it encodes to UTF-8 as it is: JSON allows
   * escapes such as {@code "\ud800"} that decode to half a character, which encoding silently
   * replaced with '?'.
   */
  public static boolean wellFormed(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
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
      if (!wellFormed(v)) {
        throw RekeyException.invalid("tag '" + k + "' has a value that is not valid Unicode (an unpaired surrogate)");
      }
    });
    return Map.copyOf(tags);
  }
}
