package dev.rekey.core.key;

import dev.rekey.core.RekeyException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A named key and all its versions: an immutable value. The constructor enforces the key-wide
 * invariants (versions numbered 1..n, exactly one PRIMARY, minimum versions within range); every
 * lifecycle operation returns a new {@code Key} with {@code revision + 1}, so a store can apply it
 * with optimistic concurrency.
 */
public record Key(
    String namespace,
    String name,
    KeyType type,
    List<KeyVersion> versions,
    int minDecryptionVersion,
    int minEncryptionVersion,
    Map<String, String> tags,
    boolean exportable,
    Instant createdAt,
    long revision) implements RootWrapped<Key> {

  public Key {
    Names.namespace(namespace);
    Names.keyName(name);
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(createdAt, "createdAt");
    tags = Names.tags(tags);
    versions = List.copyOf(versions);
    if (versions.isEmpty()) {
      throw new IllegalArgumentException("a key has at least one version");
    }
    int primaries = 0;
    int primary = 0;
    for (int i = 0; i < versions.size(); i++) {
      KeyVersion v = versions.get(i);
      if (v.number() != i + 1) {
        throw new IllegalArgumentException("versions must be numbered 1.." + versions.size() + " in order");
      }
      if (v.state() == VersionState.PRIMARY) {
        primaries++;
        primary = v.number();
      }
    }
    if (primaries != 1) {
      throw new IllegalArgumentException(primaries == 0 ? "no primary version" : "two or more primary versions");
    }
    if (minDecryptionVersion < 1 || minDecryptionVersion > primary) {
      throw new IllegalArgumentException("minimum decryption version must be between 1 and the primary version");
    }
    if (minEncryptionVersion < 1 || minEncryptionVersion > primary) {
      throw new IllegalArgumentException("minimum encryption version must be between 1 and the primary version");
    }
  }

  /** A new key whose version 1 is PRIMARY; not exportable. */
  public static Key create(String namespace, String name, KeyType type, Map<String, String> tags,
      WrappedKey material, Instant now) {
    return create(namespace, name, type, tags, false, material, now);
  }

  /** A new key whose version 1 is PRIMARY. */
  public static Key create(String namespace, String name, KeyType type, Map<String, String> tags,
      boolean exportable, WrappedKey material, Instant now) {
    return new Key(namespace, name, type, List.of(KeyVersion.create(1, VersionState.PRIMARY, material, now)),
        1, 1, tags, exportable, now, 0);
  }

  /** The one PRIMARY version (on every encrypt and sign: a plain loop from the newest, no stream). */
  public KeyVersion primary() {
    for (int i = versions.size() - 1; i >= 0; i--) {
      KeyVersion v = versions.get(i);
      if (v.state() == VersionState.PRIMARY) {
        return v;
      }
    }
    throw new IllegalStateException("no primary version"); // the constructor guarantees one
  }

  public int latestVersion() {
    return versions.size();
  }

  public Optional<KeyVersion> version(int number) {
    return number >= 1 && number <= versions.size() ? Optional.of(versions.get(number - 1)) : Optional.empty();
  }

  public KeyVersion requireVersion(int number) {
    return version(number).orElseThrow(() ->
        RekeyException.notFound("key '" + name + "' has no version " + number));
  }

  /** May version {@code number} decrypt or verify in normal operation? */
  public boolean canDecryptWith(int number) {
    return version(number).map(v -> v.state().decrypts() && number >= minDecryptionVersion).orElse(false);
  }

  /** Adds a version. With {@code promote} it becomes PRIMARY and the old primary ACTIVE; otherwise PENDING. */
  public Key rotate(WrappedKey material, boolean promote, Instant now) {
    return with(rotated(material, promote, now), minDecryptionVersion, minEncryptionVersion);
  }

  /** Makes a PENDING or ACTIVE version the primary; the previous primary becomes ACTIVE. */
  public Key promote(int number, Instant now) {
    KeyVersion target = requireVersion(number);
    if (target.state() == VersionState.PRIMARY) {
      throw RekeyException.illegalState("version " + number + " is already the primary");
    }
    if (number < minEncryptionVersion || number < minDecryptionVersion) {
      throw RekeyException.illegalState("version " + number + " is below the key's minimum encryption or"
          + " decryption version and cannot become primary");
    }
    List<KeyVersion> next = new ArrayList<>(versions);
    promoteIn(next, number, now);
    return with(next, minDecryptionVersion, minEncryptionVersion);
  }

  /** Emergency rotation: a new PRIMARY at once and the old primary REVOKED, with no dual-running window. */
  public Key emergencyRotate(WrappedKey material, Instant now) {
    int old = primary().number();
    List<KeyVersion> next = rotated(material, true, now);
    next.set(old - 1, next.get(old - 1).moveTo(VersionState.REVOKED, now, null));
    return with(next, minDecryptionVersion, minEncryptionVersion);
  }

  /** The versions plus a new one, PENDING or (with {@code promote}) PRIMARY. */
  private List<KeyVersion> rotated(WrappedKey material, boolean promote, Instant now) {
    List<KeyVersion> next = new ArrayList<>(versions);
    int number = versions.size() + 1;
    next.add(KeyVersion.create(number, VersionState.PENDING, material, now));
    if (promote) {
      promoteIn(next, number, now);
    }
    return next;
  }

  /** Makes {@code number} PRIMARY in {@code next} and the current primary ACTIVE; checks the transition table. */
  private static void promoteIn(List<KeyVersion> next, int number, Instant now) {
    KeyVersion target = next.get(number - 1);
    if (!target.state().canMoveTo(VersionState.PRIMARY)) {
      throw IllegalTransition.of(number, target.state(), VersionState.PRIMARY);
    }
    int old = next.stream().filter(v -> v.state() == VersionState.PRIMARY).findFirst().orElseThrow().number();
    next.set(old - 1, next.get(old - 1).moveTo(VersionState.ACTIVE, now, null));
    next.set(number - 1, target.moveTo(VersionState.PRIMARY, now, null));
  }

  /** ACTIVE or DISABLED → RETIRED: only re-wrap and historical verification may use it. */
  public Key retire(int number, Instant now) {
    return move(number, VersionState.RETIRED, now, null);
  }

  /** Reversible stop of all use. The primary cannot be disabled: rotate first. */
  public Key disable(int number, Instant now) {
    return move(number, VersionState.DISABLED, now, null);
  }

  /** DISABLED → ACTIVE, or RETIRED when below the minimum decryption version. */
  public Key enable(int number, Instant now) {
    KeyVersion v = requireVersion(number);
    if (v.state() != VersionState.DISABLED) {
      throw RekeyException.illegalState("version " + number + " is " + v.state().wireName() + ", not disabled");
    }
    return move(number, number >= minDecryptionVersion ? VersionState.ACTIVE : VersionState.RETIRED, now, null);
  }

  /** Marks a version compromised. Irreversible. The primary is revoked through {@link #emergencyRotate}. */
  public Key revoke(int number, Instant now) {
    return move(number, VersionState.REVOKED, now, null);
  }

  /** Schedules destruction at {@code destroyAfter}; restorable until then with {@link #cancelDestruction}. */
  public Key scheduleDestruction(int number, Instant destroyAfter, Instant now) {
    if (!destroyAfter.isAfter(now)) {
      throw RekeyException.invalid("the destruction time must be in the future");
    }
    return move(number, VersionState.DESTROY_SCHEDULED, now, destroyAfter);
  }

  /** Restores a version scheduled for destruction: to REVOKED if it ever was, otherwise DISABLED. */
  public Key cancelDestruction(int number, Instant now) {
    KeyVersion v = requireVersion(number);
    if (v.state() != VersionState.DESTROY_SCHEDULED) {
      throw RekeyException.illegalState("version " + number + " is not scheduled for destruction");
    }
    return move(number, v.revokedAt() != null ? VersionState.REVOKED : VersionState.DISABLED, now, null);
  }

  /** Erases the material once the waiting period has passed. */
  public Key destroy(int number, Instant now) {
    KeyVersion v = requireVersion(number);
    if (v.state() == VersionState.DESTROY_SCHEDULED && now.isBefore(v.destroyAfter())) {
      throw RekeyException.illegalState("version " + number + " may not be destroyed before " + v.destroyAfter());
    }
    return move(number, VersionState.DESTROYED, now, null);
  }

  /**
   * Moves the minimum decryption version. Raising it makes the ACTIVE versions below it RETIRED;
   * lowering it makes the RETIRED versions between the new and the old minimum ACTIVE again. A
   * version retired explicitly at or above the old minimum stays RETIRED.
   */
  public Key withMinDecryptionVersion(int min, Instant now) {
    if (min < 1 || min > primary().number()) {
      throw RekeyException.invalid("minimum decryption version must be between 1 and the primary version "
          + primary().number());
    }
    List<KeyVersion> next = new ArrayList<>(versions);
    for (KeyVersion v : versions) {
      if (v.number() < min && v.state() == VersionState.ACTIVE) {
        next.set(v.number() - 1, v.moveTo(VersionState.RETIRED, now, null));
      } else if (v.number() >= min && v.number() < minDecryptionVersion && v.state() == VersionState.RETIRED) {
        next.set(v.number() - 1, v.moveTo(VersionState.ACTIVE, now, null));
      }
    }
    return with(next, min, minEncryptionVersion);
  }

  public Key withMinEncryptionVersion(int min) {
    if (min < 1 || min > primary().number()) {
      throw RekeyException.invalid("minimum encryption version must be between 1 and the primary version "
          + primary().number());
    }
    return with(versions, minDecryptionVersion, min);
  }

  public Key withTags(Map<String, String> newTags) {
    return new Key(namespace, name, type, versions, minDecryptionVersion, minEncryptionVersion, newTags,
        exportable, createdAt, revision + 1);
  }

  /**
   * Allows explicit export of this key's material (still gated by the server's export policy and
   * the caller's grants). One way, as in Vault: once copies may exist, turning it off would only
   * pretend they do not.
   */
  public Key withExportable(boolean allow) {
    if (allow == exportable) {
      return this;
    }
    if (!allow) {
      throw RekeyException.illegalState("key '" + name + "' is exportable and stays so: copies may already exist;"
          + " rotate to a new key instead");
    }
    return new Key(namespace, name, type, versions, minDecryptionVersion, minEncryptionVersion, tags, true,
        createdAt, revision + 1);
  }

  @Override
  public List<KeyVersion> lifecycleVersions() {
    return versions;
  }

  @Override
  public byte[] binding(int number) {
    return dev.rekey.core.root.MaterialBinding.keyVersion(namespace, name, number);
  }

  @Override
  public String describe() {
    return "key '" + namespace + "/" + name + "'";
  }

  /** Replaces the wrapped material of every version that has material (root key rotation). */
  @Override
  public Key rewrapMaterial(UnaryOperator<WrappedKey> rewrap) {
    List<KeyVersion> next = versions.stream()
        .map(v -> v.material() == null ? v : v.withMaterial(rewrap.apply(v.material())))
        .toList();
    return with(next, minDecryptionVersion, minEncryptionVersion);
  }

  private Key move(int number, VersionState target, Instant now, Instant destroyAfter) {
    KeyVersion v = requireVersion(number);
    if (v.state() == VersionState.PRIMARY) {
      throw RekeyException.illegalState("version " + number + " is the primary; rotate the key first"
          + (target == VersionState.REVOKED ? " or use an emergency rotation" : ""));
    }
    List<KeyVersion> next = new ArrayList<>(versions);
    next.set(number - 1, v.moveTo(target, now, destroyAfter));
    return with(next, minDecryptionVersion, minEncryptionVersion);
  }

  private Key with(List<KeyVersion> newVersions, int minDec, int minEnc) {
    return new Key(namespace, name, type, newVersions, minDec, minEnc, tags, exportable, createdAt, revision + 1);
  }
}
