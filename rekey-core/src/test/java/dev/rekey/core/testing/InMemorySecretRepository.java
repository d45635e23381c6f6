package dev.rekey.core.testing;

import dev.rekey.core.RekeyException;
import dev.rekey.core.port.SecretRepository;
import dev.rekey.core.secret.Secret;
import dev.rekey.core.secret.SecretGuardrail;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** A {@link SecretRepository} in memory with the contract of the real stores. Thread-safe. */
public class InMemorySecretRepository implements SecretRepository {
  private final TreeMap<String, TreeMap<String, Secret>> secrets = new TreeMap<>();
  private final Map<String, SecretGuardrail> guardrails = new HashMap<>();

  @Override
  public synchronized void insert(Secret secret) {
    Map<String, Secret> ns = secrets.computeIfAbsent(secret.namespace(), n -> new TreeMap<>());
    if (ns.containsKey(secret.name())) {
      throw RekeyException.alreadyExists("secret '" + secret.name() + "' already exists in namespace '"
          + secret.namespace() + "'");
    }
    ns.put(secret.name(), secret);
  }

  @Override
  public synchronized Optional<Secret> find(String namespace, String name) {
    Map<String, Secret> ns = secrets.get(namespace);
    return ns == null ? Optional.empty() : Optional.ofNullable(ns.get(name));
  }

  @Override
  public synchronized List<Secret> list(String namespace, String afterName, int limit) {
    TreeMap<String, Secret> ns = secrets.get(namespace);
    if (ns == null) {
      return List.of();
    }
    return (afterName == null ? ns : ns.tailMap(afterName, false)).values().stream().limit(limit).toList();
  }

  @Override
  public synchronized void update(Secret updated, long expectedRevision) {
    Secret stored = find(updated.namespace(), updated.name()).orElseThrow(() ->
        RekeyException.notFound("secret '" + updated.name() + "' does not exist"));
    if (stored.revision() != expectedRevision) {
      throw RekeyException.concurrentModification("secret '" + updated.name() + "' was changed concurrently");
    }
    secrets.get(updated.namespace()).put(updated.name(), updated);
  }

  @Override
  public synchronized List<Secret> findWrappedByOtherRoot(String rootKeyId, int limit) {
    List<Secret> out = new ArrayList<>();
    secrets.values().forEach(ns -> ns.values().forEach(s -> {
      boolean other = s.versions().stream().anyMatch(v -> v.lifecycle().material() != null
          && !v.lifecycle().material().rootKeyId().equals(rootKeyId));
      if (other && out.size() < limit) {
        out.add(s);
      }
    }));
    return out;
  }

  @Override
  public synchronized Optional<SecretGuardrail> guardrail(String namespace) {
    return Optional.ofNullable(guardrails.get(namespace));
  }

  @Override
  public synchronized void putGuardrail(SecretGuardrail guardrail) {
    guardrails.put(guardrail.namespace(), guardrail);
  }
}
