package dev.rekey.core.auth;

import dev.rekey.core.RekeyException;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Roles and what each may do. Separation of duties: a key officer manages keys and secrets but can
 * never use keys for cryptography nor read a secret's value; a crypto user uses keys and reads
 * secrets but cannot change them.
 */
public enum Role {
  ADMIN(EnumSet.allOf(Action.class)),
  KEY_OFFICER(EnumSet.of(Action.KEY_CREATE, Action.KEY_READ, Action.KEY_ROTATE, Action.KEY_CONFIGURE,
      Action.KEY_LIFECYCLE, Action.SECRET_LIST, Action.SECRET_WRITE, Action.SECRET_MANAGE, Action.SECRET_ROTATE,
      Action.POLICY_READ, Action.POLICY_APPLY, Action.ROTATION_STATUS, Action.DEK_CREATE, Action.DEK_READ,
      Action.DEK_ROTATE, Action.REWRAP_CAMPAIGN_READ, Action.REWRAP_CAMPAIGN_MANAGE, Action.CONSUMER_MANAGE,
      Action.CONSUMER_READ)),
  CRYPTO_USER(EnumSet.of(Action.KEY_READ, Action.ENCRYPT, Action.DECRYPT, Action.REWRAP, Action.DATAKEY,
      Action.MAC, Action.SIGN, Action.VERIFY, Action.SECRET_LIST, Action.SECRET_READ, Action.DEK_READ,
      Action.DEK_FETCH, Action.CONSUMER_CONFIRM, Action.CONSUMER_CONFIRM_SECRET)),
  AUDITOR(EnumSet.of(Action.AUDIT_READ, Action.KEY_READ, Action.SECRET_LIST, Action.METRICS_READ, Action.DEK_READ,
      Action.REWRAP_CAMPAIGN_READ, Action.CONSUMER_READ)),
  /** Approves or denies others' requests for guarded operations; reads what they are about. */
  APPROVER(EnumSet.of(Action.APPROVE, Action.KEY_READ, Action.SECRET_LIST));

  private final Set<Action> actions;

  Role(Set<Action> actions) {
    this.actions = actions;
  }

  public boolean allows(Action action) {
    return actions.contains(action);
  }

  /** Does this role allow every action {@code other} allows? */
  public boolean includes(Role other) {
    return actions.containsAll(other.actions);
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public static Role fromWire(String name) {
    for (Role r : values()) {
      if (r.wireName().equals(name)) {
        return r;
      }
    }
    throw RekeyException.invalid("unknown role '" + name + "'; roles: admin, key-officer, crypto-user, auditor, approver");
  }
}
