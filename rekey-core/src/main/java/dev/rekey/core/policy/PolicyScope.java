package dev.rekey.core.policy;

import dev.rekey.core.RekeyException;
import dev.rekey.core.key.KeyType;
import dev.rekey.core.key.Names;

/**
 * What a policy applies to. Resolution, most specific first: the key's own policy
 * ({@code key:<namespace>/<name>}), then its namespace's default ({@code namespace:<namespace>}),
 * then its key type's default ({@code type:<key type>}); the first found applies whole (fields are
 * not merged across scopes). A key with none of them has no policy and is rotated only by hand.
 */
public record PolicyScope(Kind kind, String namespace, String key, KeyType type) {

  public enum Kind { KEY, NAMESPACE, TYPE }

  public static PolicyScope ofKey(String namespace, String key) {
    return new PolicyScope(Kind.KEY, namespace, key, null);
  }

  public static PolicyScope ofNamespace(String namespace) {
    return new PolicyScope(Kind.NAMESPACE, namespace, null, null);
  }

  public static PolicyScope ofType(KeyType type) {
    return new PolicyScope(Kind.TYPE, null, null, type);
  }

  /** Parses {@code key:ns/name}, {@code namespace:ns} or {@code type:aes256-gcm}; errors name {@code field}. */
  public static PolicyScope parse(String field, String text) {
    if (text == null || text.isBlank()) {
      throw RekeyException.invalid(field + ": is required (key:<namespace>/<name>, namespace:<namespace> or"
          + " type:<key type>)");
    }
    int colon = text.indexOf(':');
    String kind = colon < 0 ? "" : text.substring(0, colon);
    String rest = colon < 0 ? "" : text.substring(colon + 1);
    try {
      switch (kind) {
        case "key" -> {
          int slash = rest.indexOf('/');
          if (slash < 0) {
            throw RekeyException.invalid("expected key:<namespace>/<name>");
          }
          return ofKey(Names.namespace(rest.substring(0, slash)), Names.keyName(rest.substring(slash + 1)));
        }
        case "namespace" -> {
          return ofNamespace(Names.namespace(rest));
        }
        case "type" -> {
          return ofType(KeyType.fromWire(rest));
        }
        default -> throw RekeyException.invalid("must start with key:, namespace: or type:");
      }
    } catch (RekeyException e) {
      throw RekeyException.invalid(field + ": '" + text + "' " + e.getMessage());
    }
  }

  /** The canonical text, also the storage key. */
  public String id() {
    return switch (kind) {
      case KEY -> "key:" + namespace + "/" + key;
      case NAMESPACE -> "namespace:" + namespace;
      case TYPE -> "type:" + type.wireName();
    };
  }

  @Override
  public String toString() {
    return id();
  }
}
