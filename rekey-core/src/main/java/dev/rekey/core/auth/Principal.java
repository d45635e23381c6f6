package dev.rekey.core.auth;

import java.util.List;

/** An authenticated caller: a name, the id of the token it used (never the token), and its grants. */
public record Principal(String name, String tokenId, List<Grant> grants) {
  public Principal {
    grants = List.copyOf(grants);
  }

  public boolean may(Action action, String namespace, String key) {
    for (Grant g : grants) {
      if (g.allows(action, namespace, key)) {
        return true;
      }
    }
    return false;
  }

  /** Does one of this principal's grants, whatever its role, name {@code namespace}? */
  public boolean hasGrantIn(String namespace) {
    for (Grant g : grants) {
      if (Grant.matches(g.namespacePattern(), namespace)) {
        return true;
      }
    }
    return false;
  }

  /** Does one of this principal's grants {@link Grant#covers cover} {@code grant}? */
  public boolean holds(Grant grant) {
    for (Grant g : grants) {
      if (g.covers(grant)) {
        return true;
      }
    }
    return false;
  }
}
