package dev.rekey.core.testing;

import dev.rekey.core.RekeyException;
import dev.rekey.core.port.SecretRotationRepository;
import dev.rekey.core.secret.rotation.RotationConfig;
import dev.rekey.core.secret.rotation.RotationStatus;
import dev.rekey.core.secret.rotation.SecretRotation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A {@link SecretRotationRepository} in memory with the contract of the real stores, leases included. */
public class InMemorySecretRotationRepository implements SecretRotationRepository {
  private final Map<String, RotationConfig> configs = new LinkedHashMap<>();
  private final Map<String, SecretRotation> rotations = new LinkedHashMap<>();
  private final Map<String, String> leaseOwner = new HashMap<>();
  private final Map<String, Instant> leaseUntil = new HashMap<>();

  private static String key(String namespace, String secret) {
    return namespace + "/" + secret;
  }

  @Override
  public synchronized void putConfig(RotationConfig config) {
    configs.put(key(config.namespace(), config.secret()), config);
  }

  @Override
  public synchronized Optional<RotationConfig> config(String namespace, String secret) {
    return Optional.ofNullable(configs.get(key(namespace, secret)));
  }

  @Override
  public synchronized boolean deleteConfig(String namespace, String secret) {
    return configs.remove(key(namespace, secret)) != null;
  }

  @Override
  public synchronized boolean rescheduleConfig(String namespace, String secret, Instant nextDueAt) {
    RotationConfig c = configs.get(key(namespace, secret));
    if (c == null) {
      return false;
    }
    configs.put(key(namespace, secret), c.withNextDueAt(nextDueAt));
    return true;
  }

  @Override
  public synchronized boolean claimConfig(String namespace, String secret, Instant expectedDueAt, Instant nextDueAt) {
    RotationConfig c = configs.get(key(namespace, secret));
    if (c == null || !expectedDueAt.equals(c.nextDueAt())) {
      return false;
    }
    configs.put(key(namespace, secret), c.withNextDueAt(nextDueAt));
    return true;
  }

  @Override
  public synchronized List<RotationConfig> dueConfigs(Instant now, int limit) {
    return configs.values().stream().filter(c -> c.nextDueAt() != null && !c.nextDueAt().isAfter(now))
        .sorted(Comparator.comparing(RotationConfig::nextDueAt)).limit(limit).toList();
  }

  @Override
  public synchronized void insert(SecretRotation rotation) {
    if (running(rotation.namespace(), rotation.secret()).isPresent()) {
      throw RekeyException.alreadyExists("secret '" + rotation.secret() + "' already has a running rotation");
    }
    rotations.put(rotation.id(), rotation);
  }

  @Override
  public synchronized Optional<SecretRotation> find(String id) {
    return Optional.ofNullable(rotations.get(id));
  }

  @Override
  public synchronized Optional<SecretRotation> running(String namespace, String secret) {
    return rotations.values().stream().filter(r -> r.status() == RotationStatus.RUNNING
        && r.namespace().equals(namespace) && r.secret().equals(secret)).findFirst();
  }

  @Override
  public synchronized List<SecretRotation> history(String namespace, String secret, int limit) {
    List<SecretRotation> out = new ArrayList<>(rotations.values().stream()
        .filter(r -> r.namespace().equals(namespace) && r.secret().equals(secret)).toList());
    java.util.Collections.reverse(out);
    return out.stream().limit(limit).toList();
  }

  @Override
  public synchronized List<SecretRotation> runningOrFailed(int limit) {
    return rotations.values().stream().filter(r -> r.status() != RotationStatus.SUCCEEDED).limit(limit).toList();
  }

  @Override
  public synchronized List<SecretRotation> claimDue(Instant now, String owner, Instant until, int limit) {
    List<SecretRotation> out = new ArrayList<>();
    for (SecretRotation r : rotations.values()) {
      Instant held = leaseUntil.get(r.id());
      if (out.size() < limit && r.status() == RotationStatus.RUNNING && !r.nextAttemptAt().isAfter(now)
          && (held == null || !held.isAfter(now))) {
        leaseOwner.put(r.id(), owner);
        leaseUntil.put(r.id(), until);
        out.add(r);
      }
    }
    return out;
  }

  @Override
  public synchronized boolean renew(String id, String owner, Instant now, Instant until) {
    Instant held = leaseUntil.get(id);
    if (!owner.equals(leaseOwner.get(id)) || held == null || !held.isAfter(now)) {
      return false;
    }
    leaseUntil.put(id, until.isAfter(held) ? until : held);
    return true;
  }

  @Override
  public synchronized boolean update(SecretRotation rotation, String owner) {
    if (!owner.equals(leaseOwner.get(rotation.id()))) {
      return false;
    }
    rotations.put(rotation.id(), rotation);
    return true;
  }

  @Override
  public synchronized int releaseAll(String owner) {
    List<String> mine = leaseOwner.entrySet().stream().filter(e -> e.getValue().equals(owner)).map(Map.Entry::getKey)
        .toList();
    mine.forEach(id -> {
      leaseOwner.remove(id);
      leaseUntil.remove(id);
    });
    return mine.size();
  }

  @Override
  public synchronized void release(String id, String owner) {
    if (owner.equals(leaseOwner.get(id))) {
      leaseOwner.remove(id);
      leaseUntil.remove(id);
    }
  }
}
