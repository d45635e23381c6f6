package dev.rekey.core.service;

import dev.rekey.core.RekeyException;
import dev.rekey.core.key.Key;
import dev.rekey.core.key.KeyVersion;
import dev.rekey.core.key.VersionState;
import dev.rekey.core.port.StoredDekVersions;
import dev.rekey.core.port.VersionUsers;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What may take a key version away, for {@link KeyService}: consumers still using it refuse it
 * (VERSION_IN_USE) unless forced; stored data keys still wrapped by it refuse it even with force
 * (ILLEGAL_STATE: they would become unreadable); and where destroying a version needs a person's
 * approval, automation never schedules destruction.
 */
final class KeyVersionGuards {
  private final StoredDekVersions storedDeks;
  private volatile Predicate<String> destructionNeedsApproval = namespace -> false;
  private volatile VersionUsers versionUsers = VersionUsers.NONE;

  KeyVersionGuards(StoredDekVersions storedDeks) {
    this.storedDeks = storedDeks;
  }

  void guardVersions(VersionUsers users) {
    this.versionUsers = users;
  }

  void guardDestruction(Predicate<String> needsApproval) {
    this.destructionNeedsApproval = needsApproval;
  }

  boolean mayDestroyAutomatically(String namespace) {
    return !destructionNeedsApproval.test(namespace);
  }

  /** No consumer still uses {@code version} and no stored data key is wrapped by it. */
  boolean mayTakeAwayAutomatically(String namespace, String name, int version) {
    return versionUsers.using(namespace, name, version).isEmpty()
        && storedDeks.countWrapped(namespace, name, version, version + 1) == 0;
  }

  /**
   * The consumers of {@code version}; refuses (VERSION_IN_USE, naming them) taking it away from
   * them unless {@code force}.
   */
  List<String> requireUnused(String namespace, String name, int version, boolean force) {
    List<String> users = versionUsers.using(namespace, name, version);
    requireUnused(name, List.of(version), users, force);
    return users;
  }

  /**
   * Refuses (VERSION_IN_USE, naming them) taking {@code versions} of key {@code name} away from the
   * consumers {@code users}, unless {@code force}.
   */
  private static void requireUnused(String name, List<Integer> versions, List<String> users, boolean force) {
    if (!users.isEmpty() && !force) {
      throw new RekeyException(dev.rekey.api.ErrorCode.VERSION_IN_USE, (versions.size() == 1 ? "version " : "versions ")
          + String.join(", ", versions.stream().map(String::valueOf).toList()) + " of key '" + name + "' "
          + (versions.size() == 1 ? "is" : "are") + " still used by consumer" + (users.size() == 1 ? " " : "s ")
          + String.join(", ", users) + "; wait until they move to the new version, or use force to override");
    }
  }

  /**
   * The consumer guard of a raise of the minimum decryption version from {@code before} to
   * {@code after}: the versions it retires must be unused, as {@code changeVersion} requires of a
   * retire, unless {@code force}. Returns the consumers of those versions (empty when none).
   */
  List<String> requireRetiredVersionsUnused(Key before, Key after, boolean force) {
    List<Integer> inUse = new ArrayList<>();
    Set<String> users = new LinkedHashSet<>();
    for (KeyVersion v : before.versions()) {
      boolean retired = v.state() != VersionState.RETIRED
          && after.requireVersion(v.number()).state() == VersionState.RETIRED;
      List<String> using = retired ? versionUsers.using(before.namespace(), before.name(), v.number()) : List.of();
      if (!using.isEmpty()) {
        inUse.add(v.number());
        users.addAll(using);
      }
    }
    requireUnused(before.name(), inUse, List.copyOf(users), force);
    return List.copyOf(users);
  }

  /**
   * Refuses to {@code verb} a version that stored DEKs are still wrapped by: it would leave them
   * unreadable even to a re-wrap campaign (DISABLED, DESTROY_SCHEDULED) or lose them (DESTROYED).
   */
  void requireDeksMovedAway(Key k, int version, String verb) {
    requireNoStoredDeks(k, version, version + 1, verb + " version " + version, "a re-wrap campaign must move them"
        + " to another version first (rekey rewrap-campaign start " + k.name() + " --from-version " + version + ")");
  }

  /** Refuses {@code what} while stored DEKs are wrapped by versions from {@code from} to {@code toExclusive}. */
  void requireNoStoredDeks(Key k, int from, int toExclusive, String what) {
    requireNoStoredDeks(k, from, toExclusive, what, "let their re-wrap campaign finish first");
  }

  /**
   * As above, {@code advice} saying what to do. ILLEGAL_STATE, and force does not override it: force
   * overrides consumers, who can be told to move; stored DEKs would simply become unreadable.
   */
  private void requireNoStoredDeks(Key k, int from, int toExclusive, String what, String advice) {
    long count = storedDeks.countWrapped(k.namespace(), k.name(), from, toExclusive);
    if (count > 0) {
      String versions = toExclusive - from == 1 ? "version " + from : "versions " + from + " to " + (toExclusive - 1);
      throw RekeyException.illegalState("cannot " + what + " of key '" + k.name() + "': " + count
          + " stored data keys are still wrapped by " + versions + "; " + advice);
    }
  }
}
