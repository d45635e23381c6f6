package dev.rekey.core.consumer;

import dev.rekey.core.RekeyException;
import dev.rekey.core.key.Key;
import dev.rekey.core.port.KeyRepository;
import dev.rekey.core.port.SecretRepository;
import dev.rekey.core.secret.Secret;

/**
 * What bindings point at, looked up by {@link BindingSubject}: a key (whose version in use is its
 * primary) or a secret (whose version in use is the one labelled CURRENT).
 */
public final class BindingTargets {
  private final KeyRepository keys;
  private final SecretRepository secrets;

  public BindingTargets(KeyRepository keys, SecretRepository secrets) {
    this.keys = keys;
    this.secrets = secrets;
  }

  /** Keys only (tools and benchmarks without secrets): every secret is NOT_FOUND. */
  public static BindingTargets keysOnly(KeyRepository keys) {
    return new BindingTargets(keys, null);
  }

  KeyRepository keys() {
    return keys;
  }

  /** The version consumers of the subject should use now; NOT_FOUND when the key or secret does not exist. */
  int current(String namespace, BindingSubject subject) {
    return subject.kind() == BindingSubject.Kind.KEY ? key(namespace, subject.name()).primary().number()
        : secret(namespace, subject.name()).current().number();
  }

  /** Throws NOT_FOUND unless the subject exists and has {@code version}. */
  void requireVersion(String namespace, BindingSubject subject, int version) {
    if (subject.kind() == BindingSubject.Kind.KEY) {
      key(namespace, subject.name()).requireVersion(version);
    } else {
      secret(namespace, subject.name()).requireVersion(version);
    }
  }

  Key key(String namespace, String name) {
    return keys.find(namespace, name).orElseThrow(() ->
        RekeyException.notFound("no key '" + name + "' in namespace '" + namespace + "'"));
  }

  private Secret secret(String namespace, String name) {
    return (secrets == null ? java.util.Optional.<Secret>empty() : secrets.find(namespace, name)).orElseThrow(() ->
        RekeyException.notFound("no secret '" + name + "' in namespace '" + namespace + "'"));
  }
}
