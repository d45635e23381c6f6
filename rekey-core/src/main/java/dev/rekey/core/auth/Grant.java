package dev.rekey.core.auth;

import dev.rekey.core.RekeyException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A role granted on the keys of namespaces and names matching glob patterns ({@code *} matches
 * any run of characters). {@code admin} on {@code *}/{@code *} is the root grant.
 */
public record Grant(Role role, String namespacePattern, String keyPattern) {
  private static final Pattern GLOB = Pattern.compile("[A-Za-z0-9._*-]{1,128}");

  public Grant {
    Objects.requireNonNull(role, "role");
    if (namespacePattern == null || !GLOB.matcher(namespacePattern).matches()) {
      throw RekeyException.invalid("invalid namespace pattern in grant; use names and '*'");
    }
    if (keyPattern == null || !GLOB.matcher(keyPattern).matches()) {
      throw RekeyException.invalid("invalid key pattern in grant; use names and '*'");
    }
  }

  public static Grant everywhere(Role role) {
    return new Grant(role, "*", "*");
  }

  /** Does this grant allow {@code action}; on key actions, on that namespace and key? */
  public boolean allows(Action action, String namespace, String key) {
    if (action == Action.TOKEN_SELF) {
      return true;
    }
    if (!role.allows(action)) {
      return false;
    }
    if (!action.onKey()) {
      return namespacePattern.equals("*") || matches(namespacePattern, namespace);
    }
    return matches(namespacePattern, namespace) && (key == null ? keyPattern.equals("*") || action == Action.KEY_CREATE
        || action == Action.KEY_READ : matches(keyPattern, key));
  }

  static boolean matches(String glob, String value) {
    if (value == null) {
      return glob.equals("*");
    }
    return matchFrom(glob, 0, value, 0);
  }

  private static boolean matchFrom(String g, int gi, String v, int vi) {
    while (gi < g.length()) {
      char c = g.charAt(gi);
      if (c == '*') {
        for (int k = vi; k <= v.length(); k++) {
          if (matchFrom(g, gi + 1, v, k)) {
            return true;
          }
        }
        return false;
      }
      if (vi >= v.length() || v.charAt(vi) != c) {
        return false;
      }
      gi++;
      vi++;
    }
    return vi == v.length();
  }
}
