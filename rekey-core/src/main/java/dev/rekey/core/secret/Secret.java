package dev.rekey.core.secret;

import dev.rekey.core.RekeyException;
import dev.rekey.core.key.KeyVersion;
import dev.rekey.core.key.Names;
import dev.rekey.core.key.RootWrapped;
import dev.rekey.core.key.VersionState;
import dev.rekey.core.key.WrappedKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * A named secret and all its versions: an immutable value, like {@code Key}. Versions follow the
 * one lifecycle of DESIGN.md; the staging labels are views on it (CURRENT = PRIMARY, PREVIOUS =
 * ACTIVE, PENDING = PENDING), so the constructor enforces exactly one PRIMARY, at most one ACTIVE
 * and at most one PENDING. Custom labels point at versions by number. Every change returns a
 * new {@code Secret} with {@code revision + 1} for optimistic concurrency.
 */
public record Secret(
    String namespace,
    String name,
    Map<String, String> tags,
    List<SecretVersion> versions,
    Map<String, Integer> labels,
    Instant createdAt,
    long revision) implements RootWrapped<Secret> {

  public static final int MAX_LABELS = 20;

  public Secret {
    Names.namespace(namespace);
    Names.keyName(name);
    Objects.requireNonNull(createdAt, "createdAt");
    tags = Names.tags(tags);
    versions = List.copyOf(versions);
    labels = Collections.unmodifiableMap(new TreeMap<>(labels == null ? Map.of() : labels));
    if (versions.isEmpty()) {
      throw new IllegalArgumentException("a secret has at least one version");
    }
    int primaries = 0;
    int actives = 0;
    int pendings = 0;
    for (int i = 0; i < versions.size(); i++) {
      SecretVersion v = versions.get(i);
      if (v.number() != i + 1) {
        throw new IllegalArgumentException("versions must be numbered 1.." + versions.size() + " in order");
      }
      switch (v.state()) {
        case PRIMARY -> primaries++;
        case ACTIVE -> actives++;
        case PENDING -> pendings++;
        default -> { }
      }
    }
    if (primaries != 1 || actives > 1 || pendings > 1) {
      throw new IllegalArgumentException("a secret has exactly one current, at most one previous and at most one"
          + " pending version");
    }
    for (Map.Entry<String, Integer> l : labels.entrySet()) {
      if (SecretLabel.reserved(l.getKey()).isPresent()) {
        throw new IllegalArgumentException("label " + l.getKey() + " is reserved");
      }
      if (l.getValue() < 1 || l.getValue() > versions.size()) {
        throw new IllegalArgumentException("label " + l.getKey() + " names a missing version");
      }
    }
  }

  /** A new secret whose version 1 is CURRENT. */
  public static Secret create(String namespace, String name, Map<String, String> tags, WrappedKey value,
      Instant expiresAt, Instant now) {
    SecretVersion first = new SecretVersion(KeyVersion.create(1, VersionState.PRIMARY, value, now), expiresAt);
    return new Secret(namespace, name, tags, List.of(first), Map.of(), now, 0);
  }

  public SecretVersion current() {
    return inState(VersionState.PRIMARY).orElseThrow();
  }

  public Optional<SecretVersion> previous() {
    return inState(VersionState.ACTIVE);
  }

  public Optional<SecretVersion> pending() {
    return inState(VersionState.PENDING);
  }

  /**
   * The version in {@code state} (the constructor allows at most one of each staging state),
   * searched from the newest: a put asks for them several times, and the staging versions are
   * among the last of a history that can be hundreds long.
   */
  private Optional<SecretVersion> inState(VersionState state) {
    for (int i = versions.size() - 1; i >= 0; i--) {
      SecretVersion v = versions.get(i);
      if (v.state() == state) {
        return Optional.of(v);
      }
    }
    return Optional.empty();
  }

  public int latestVersion() {
    return versions.size();
  }

  public SecretVersion requireVersion(int number) {
    if (number < 1 || number > versions.size()) {
      throw RekeyException.notFound("secret '" + name + "' has no version " + number);
    }
    return versions.get(number - 1);
  }

  /** The version a label points at: a staging label or a custom one. */
  public SecretVersion byLabel(String label) {
    Optional<SecretLabel> reserved = SecretLabel.reserved(label);
    if (reserved.isPresent()) {
      return switch (reserved.get()) {
        case CURRENT -> current();
        case PREVIOUS -> previous().orElseThrow(() -> RekeyException.notFound("secret '" + name
            + "' has no PREVIOUS version"));
        case PENDING -> pending().orElseThrow(() -> RekeyException.notFound("secret '" + name
            + "' has no PENDING version"));
      };
    }
    Integer number = labels.get(label);
    if (number == null) {
      throw RekeyException.notFound("secret '" + name + "' has no label '" + label + "'");
    }
    return versions.get(number - 1);
  }

  /** Every label of one version, staging labels first. */
  public List<String> labelsOf(int number) {
    List<String> out = new ArrayList<>();
    VersionState s = requireVersion(number).state();
    if (s == VersionState.PRIMARY) {
      out.add(SecretLabel.CURRENT.name());
    } else if (s == VersionState.ACTIVE) {
      out.add(SecretLabel.PREVIOUS.name());
    } else if (s == VersionState.PENDING) {
      out.add(SecretLabel.PENDING.name());
    }
    labels.forEach((label, v) -> {
      if (v == number) {
        out.add(label);
      }
    });
    return out;
  }

  /**
   * Adds a version. As CURRENT: the old current becomes PREVIOUS and the old previous RETIRED. As
   * PENDING (a rotation's first step): an older pending version is DISABLED, so an abandoned
   * rotation never blocks the next one.
   */
  public Secret addVersion(WrappedKey value, Instant expiresAt, boolean pending, Instant now) {
    List<SecretVersion> next = new ArrayList<>(versions);
    pending().ifPresent(p -> next.set(p.number() - 1, p.moveTo(VersionState.DISABLED, now, null)));
    int number = versions.size() + 1;
    next.add(new SecretVersion(KeyVersion.create(number, VersionState.PENDING, value, now), expiresAt));
    if (!pending) {
      promoteIn(next, number, now);
    }
    return with(next, labels, tags);
  }

  /**
   * Makes a PENDING version CURRENT (a rotation's last step), or the PREVIOUS one again (roll back).
   * The old current becomes PREVIOUS; any other previous version is RETIRED.
   */
  public Secret promote(int number, Instant now) {
    SecretVersion target = requireVersion(number);
    if (target.state() == VersionState.PRIMARY) {
      throw RekeyException.illegalState("version " + number + " is already CURRENT");
    }
    if (target.state() != VersionState.PENDING && target.state() != VersionState.ACTIVE) {
      throw RekeyException.illegalState("version " + number + " is " + target.state().wireName()
          + "; only the PENDING or PREVIOUS version can become CURRENT");
    }
    List<SecretVersion> next = new ArrayList<>(versions);
    promoteIn(next, number, now);
    return with(next, labels, tags);
  }

  private static void promoteIn(List<SecretVersion> next, int number, Instant now) {
    SecretVersion target = next.get(number - 1);
    for (int i = 0; i < next.size(); i++) {
      SecretVersion v = next.get(i);
      if (v.number() != number && v.state() == VersionState.ACTIVE) {
        next.set(i, v.moveTo(VersionState.RETIRED, now, null));
      }
    }
    for (int i = 0; i < next.size(); i++) {
      SecretVersion v = next.get(i);
      if (v.state() == VersionState.PRIMARY) {
        next.set(i, v.moveTo(VersionState.ACTIVE, now, null));
      }
    }
    next.set(number - 1, target.moveTo(VersionState.PRIMARY, now, null));
  }

  /** A lifecycle move of a version other than the current one (disable, retire, revoke, ...). */
  public Secret move(int number, VersionState target, Instant now, Instant destroyAfter) {
    SecretVersion v = requireVersion(number);
    if (v.state() == VersionState.PRIMARY) {
      throw RekeyException.illegalState("version " + number + " is CURRENT; put or rotate a new version first");
    }
    if (target == VersionState.DESTROYED && v.state() == VersionState.DESTROY_SCHEDULED
        && now.isBefore(v.lifecycle().destroyAfter())) {
      throw RekeyException.illegalState("version " + number + " may not be destroyed before "
          + v.lifecycle().destroyAfter());
    }
    if (target == VersionState.DESTROY_SCHEDULED && (destroyAfter == null || !destroyAfter.isAfter(now))) {
      throw RekeyException.invalid("the destruction time must be in the future");
    }
    List<SecretVersion> next = new ArrayList<>(versions);
    next.set(number - 1, v.moveTo(target, now, destroyAfter));
    return with(next, labels, tags);
  }

  /** Points a custom label at a version (moving it if it pointed elsewhere). */
  public Secret withLabel(String label, int number) {
    checkCustomLabel(label);
    if (!requireVersion(number).readable()) {
      throw RekeyException.illegalState("version " + number + " is " + requireVersion(number).state().wireName()
          + " and cannot carry a label");
    }
    if (!labels.containsKey(label) && labels.size() >= MAX_LABELS) {
      throw RekeyException.invalid("a secret has at most " + MAX_LABELS + " custom labels");
    }
    TreeMap<String, Integer> next = new TreeMap<>(labels);
    next.put(label, number);
    return with(versions, next, tags);
  }

  public Secret withoutLabel(String label) {
    checkCustomLabel(label);
    if (!labels.containsKey(label)) {
      throw RekeyException.notFound("secret '" + name + "' has no label '" + label + "'");
    }
    TreeMap<String, Integer> next = new TreeMap<>(labels);
    next.remove(label);
    return with(versions, next, tags);
  }

  /** A custom label's name: not a staging label (those follow the lifecycle), and a valid name. */
  private static void checkCustomLabel(String label) {
    if (SecretLabel.reserved(label).isPresent()) {
      throw RekeyException.invalid("label '" + label + "' is a staging label; CURRENT moves by promoting a"
          + " version, PENDING and PREVIOUS follow the lifecycle");
    }
    if (!Names.validName(label)) {
      throw RekeyException.invalid("invalid label name: use 1 to 128 characters from A-Z a-z 0-9 . _ -,"
          + " starting with a letter or digit");
    }
  }

  public Secret withTags(Map<String, String> newTags) {
    return with(versions, labels, newTags);
  }

  @Override
  public List<KeyVersion> lifecycleVersions() {
    return versions.stream().map(SecretVersion::lifecycle).toList();
  }

  @Override
  public byte[] binding(int number) {
    return dev.rekey.core.root.MaterialBinding.secretVersion(namespace, name, number);
  }

  @Override
  public String describe() {
    return "secret '" + namespace + "/" + name + "'";
  }

  /** Replaces the wrapped value of every version that has one (root key rotation). */
  @Override
  public Secret rewrapMaterial(UnaryOperator<WrappedKey> rewrap) {
    List<SecretVersion> next = versions.stream().map(v -> v.lifecycle().material() == null ? v
        : new SecretVersion(v.lifecycle().withMaterial(rewrap.apply(v.lifecycle().material())), v.expiresAt()))
        .toList();
    return with(next, labels, tags);
  }

  private Secret with(List<SecretVersion> newVersions, Map<String, Integer> newLabels, Map<String, String> newTags) {
    return new Secret(namespace, name, newTags, newVersions, newLabels, createdAt, revision + 1);
  }

  @Override
  public String toString() {
    return "Secret[" + namespace + "/" + name + ", v" + versions.size() + ", revision " + revision + "]";
  }
}
