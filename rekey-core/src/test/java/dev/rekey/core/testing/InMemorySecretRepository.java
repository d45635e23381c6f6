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
  /** namespace/name/version -> next notice, as the real stores keep it. */
  private final Map<String, java.time.Instant> notices = new HashMap<>();

  private void noteNewVersions(Secret secret, int known) {
    for (var v : secret.versions()) {
      if (v.number() > known && v.expiresAt() != null) {
        notices.put(secret.namespace() + "/" + secret.name() + "/" + v.number(),
            dev.rekey.core.secret.SecretExpiry.firstNotice(v.expiresAt(), v.lifecycle().createdAt()));
      }
    }
  }

  @Override
  public synchronized List<NoticeDue> dueNotices(java.time.Instant now, int limit) {
    List<NoticeDue> out = new ArrayList<>();
    notices.forEach((id, at) -> {
      if (at != null && !at.isAfter(now)) {
        String[] p = id.split("/");
        Secret s = secrets.get(p[0]).get(p[1]);
        out.add(new NoticeDue(p[0], p[1], Integer.parseInt(p[2]), s.requireVersion(Integer.parseInt(p[2])).expiresAt(),
            at));
      }
    });
    out.sort(java.util.Comparator.comparing(NoticeDue::noticeAt));
    return out.stream().limit(limit).toList();
  }

  @Override
  public synchronized boolean advanceNotice(String namespace, String secret, int version, java.time.Instant expected,
      java.time.Instant next) {
    String id = namespace + "/" + secret + "/" + version;
    if (!expected.equals(notices.get(id))) {
      return false;
    }
    notices.put(id, next);
    return true;
  }

  @Override
  public synchronized void insert(Secret secret) {
    Map<String, Secret> ns = secrets.computeIfAbsent(secret.namespace(), n -> new TreeMap<>());
    if (ns.containsKey(secret.name())) {
      throw RekeyException.alreadyExists("secret '" + secret.name() + "' already exists in namespace '"
          + secret.namespace() + "'");
    }
    ns.put(secret.name(), secret);
    noteNewVersions(secret, 0);
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
    noteNewVersions(updated, stored.versions().size());
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
