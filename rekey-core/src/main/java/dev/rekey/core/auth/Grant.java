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
    if (action == Action.TOKEN_SELF || action == Action.APPROVAL_READ) {
      return true;
    }
    if (!role.allows(action)) {
      return false;
    }
    if (action.onTokens()) {
      // whatever namespace the request names: TokenService checks the token's grants against the caller's
      return true;
    }
    if (action.global()) {
      // server-wide (seal, root rotation, the whole audit trail, events, webhooks, metrics): only a
      // grant on every name of every namespace; "admin of billing-* everywhere" is not a server admin
      return matchesEverything(namespacePattern) && matchesEverything(keyPattern);
    }
    if (!action.onKey()) {
      // a namespace action about one key or secret (its propagation policy, a binding to it, a
      // re-wrap campaign under it) stays within the grant's names too
      return (matchesEverything(namespacePattern) || matches(namespacePattern, namespace))
          && (key == null || matches(keyPattern, key));
    }
    // without a name: creation (the handler checks the name in the body) and the listings (which
    // show only the names the grants match) are allowed on a grant for some of the namespace's names
    return matches(namespacePattern, namespace) && (key == null ? matchesEverything(keyPattern) || action == Action.KEY_CREATE
        || action == Action.KEY_READ || action == Action.SECRET_LIST : matches(keyPattern, key));
  }

  /**
   * Does this grant allow everything {@code other} allows: a role with at least its actions, on
   * every namespace and key name its patterns can match? What a token may hand on to a new token.
   */
  public boolean covers(Grant other) {
    return role.includes(other.role) && matches(namespacePattern, other.namespacePattern)
        && matches(keyPattern, other.keyPattern);
  }

  /**
   * Does {@code glob} match {@code value}? A null value stands for "every name": only a glob of
   * stars matches it. Where {@code value} is itself a glob, its stars are matched only by stars of
   * {@code glob}, so {@code matches(a, b)} then means every name {@code b} matches, {@code a} matches.
   *
   * <p>Greedy with one backtracking point (the last star): at most {@code glob.length() *
   * value.length()} steps. A recursive matcher tried every split of the value between stars, which
   * is exponential in their number: a grant like {@code *a*a*a...*b} held a thread (an event loop)
   * for ever on one request.
   */
  static boolean matches(String glob, String value) {
    if (value == null) {
      return matchesEverything(glob);
    }
    int g = 0;
    int v = 0;
    int star = -1;
    int mark = 0;
    while (v < value.length()) {
      if (g < glob.length() && glob.charAt(g) == '*') {
        star = g++;
        mark = v;
      } else if (g < glob.length() && glob.charAt(g) == value.charAt(v)) {
        g++;
        v++;
      } else if (star >= 0) {
        g = star + 1;
        v = ++mark;
      } else {
        return false;
      }
    }
    while (g < glob.length() && glob.charAt(g) == '*') {
      g++;
    }
    return g == glob.length();
  }

  /** A glob of stars only ({@code *}, {@code **}): it matches every name. */
  static boolean matchesEverything(String glob) {
    for (int i = 0; i < glob.length(); i++) {
      if (glob.charAt(i) != '*') {
        return false;
      }
    }
    return true;
  }
}
