package dev.rekey.core.consumer;

import java.util.Locale;
import java.util.Objects;

/**
 * What a binding ties a consumer to: a key or a secret, by name within the binding's namespace.
 * Storage keeps the kind in {@code subject_kind} (V12) next to the name, so a key and a secret of
 * the same name have separate bindings. On the wire the kind is lower case ({@code key}, {@code secret}).
 */
public record BindingSubject(Kind kind, String name) {

  /** The kinds of versioned things a consumer can bind to. */
  public enum Kind {
    KEY, SECRET;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name ({@code key} or {@code secret}, any case); null for anything else. */
    public static Kind parse(String wire) {
      if (wire == null) {
        return null;
      }
      for (Kind kind : values()) {
        if (kind.name().equalsIgnoreCase(wire.strip())) {
          return kind;
        }
      }
      return null;
    }
  }

  public BindingSubject {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("a binding subject needs a name");
    }
  }

  public static BindingSubject key(String name) {
    return new BindingSubject(Kind.KEY, name);
  }

  public static BindingSubject secret(String name) {
    return new BindingSubject(Kind.SECRET, name);
  }

  /** {@code key:NAME} or {@code secret:NAME}, as shown in lists and messages. */
  @Override
  public String toString() {
    return kind.wireName() + ":" + name;
  }
}
