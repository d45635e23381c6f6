package dev.rekey.store;

import static dev.rekey.store.Fixtures.T0;
import static dev.rekey.store.Fixtures.everyState;
import static dev.rekey.store.Fixtures.material;
import static dev.rekey.store.Fixtures.simple;
import static dev.rekey.store.Fixtures.t;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.key.Key;
import dev.rekey.core.key.KeyVersion;
import dev.rekey.core.key.VersionState;
import dev.rekey.core.port.KeyRepository;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The KeyRepository contract, run on every dialect. */
abstract class KeyRepositoryContract extends StoreContract {

  private KeyRepository keys() {
    return store.keys();
  }

  @Test
  void insert_keyWithEveryVersionState_roundTripsExactly() {
    Key key = everyState("payments", "card-hmac");
    assertThat(key.versions()).extracting(KeyVersion::state).containsExactlyInAnyOrder(VersionState.values());

    keys().insert(key);

    Key found = keys().find("payments", "card-hmac").orElseThrow();
    assertThat(found).isEqualTo(key);
    assertThat(found.version(5).orElseThrow().material()).isNull();
    assertThat(found.version(3).orElseThrow().material().ciphertext()).isEqualTo(material("v3", "root-1").ciphertext());
    assertThat(found.version(4).orElseThrow().destroyAfter()).isEqualTo(t(1000));
    assertThat(found.version(3).orElseThrow().revokedAt()).isEqualTo(t(11));
  }

  @Test
  void find_missingKey_returnsEmpty() {
    keys().insert(simple("default", "a"));

    assertThat(keys().find("default", "b")).isEmpty();
    assertThat(keys().find("other", "a")).isEmpty();
  }

  @Test
  void insert_duplicateName_throwsAlreadyExistsAndKeepsOriginal() {
    Key original = simple("default", "dup");
    keys().insert(original);
    Key second = Key.create("default", "dup", original.type(), Map.of("x", "y"), material("other", "root-9"), t(1));

    assertThatThrownBy(() -> keys().insert(second))
        .isInstanceOfSatisfying(RekeyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ALREADY_EXISTS));
    assertThat(keys().find("default", "dup")).contains(original);
  }

  @Test
  void insert_sameNameInOtherNamespace_succeeds() {
    keys().insert(simple("ns-a", "shared"));
    keys().insert(simple("ns-b", "shared"));

    assertThat(keys().find("ns-a", "shared")).isPresent();
    assertThat(keys().find("ns-b", "shared")).isPresent();
  }

  @Test
  void update_rotationAtCurrentRevision_storesNewVersionsAndTags() {
    Key v1 = simple("default", "rot");
    keys().insert(v1);
    Key rotated = v1.rotate(material("rot-2", "root-1"), false, t(1)).promote(2, t(2)).withTags(Map.of("a", "b"));

    keys().update(rotated, v1.revision());

    Key found = keys().find("default", "rot").orElseThrow();
    assertThat(found).isEqualTo(rotated);
    assertThat(found.primary().number()).isEqualTo(2);
    assertThat(found.version(1).orElseThrow().state()).isEqualTo(VersionState.ACTIVE);
    assertThat(found.revision()).isEqualTo(3);
  }

  @Test
  void update_staleRevision_throwsAndWritesNothing() {
    Key v1 = simple("default", "stale");
    keys().insert(v1);
    Key first = v1.rotate(material("first", "root-1"), true, t(1));
    keys().update(first, v1.revision());
    Key competing = v1.rotate(material("competing", "root-1"), true, t(2)).withTags(Map.of("lost", "yes"));

    assertThatThrownBy(() -> keys().update(competing, v1.revision()))
        .isInstanceOfSatisfying(RekeyException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.CONCURRENT_MODIFICATION));
    assertThat(keys().find("default", "stale")).contains(first);
  }

  @Test
  void update_missingKey_throwsNotFound() {
    Key ghost = simple("default", "ghost");

    assertThatThrownBy(() -> keys().update(ghost.withTags(Map.of()), 0))
        .isInstanceOfSatisfying(RekeyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    assertThat(keys().find("default", "ghost")).isEmpty();
  }

  @Test
  void update_revisionNotIncreased_throwsInvalidAndWritesNothing() {
    Key v1 = simple("default", "same-rev");
    keys().insert(v1);
    Key sameRevision = new Key(v1.namespace(), v1.name(), v1.type(), v1.versions(), 1, 1, Map.of("t", "u"),
        false, v1.createdAt(), v1.revision());

    assertThatThrownBy(() -> keys().update(sameRevision, v1.revision()))
        .isInstanceOfSatisfying(RekeyException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
    assertThat(keys().find("default", "same-rev")).contains(v1);
  }

  @Test
  void exportable_roundTripsOnInsertAndUpdate() {
    Key plain = simple("default", "exp");
    keys().insert(plain);
    assertThat(keys().find("default", "exp").orElseThrow().exportable()).isFalse();

    Key exportable = plain.withExportable(true);
    keys().update(exportable, plain.revision());

    assertThat(keys().find("default", "exp")).contains(exportable);
    assertThat(exportable.exportable()).isTrue();
  }

  @Test
  void update_removingVersions_throwsAndWritesNothing() {
    Key v1 = simple("default", "shrink");
    Key two = v1.rotate(material("s2", "root-1"), true, t(1));
    keys().insert(two);
    KeyVersion onlyFirst = KeyVersion.create(1, VersionState.PRIMARY, material("s1", "root-1"), T0);
    Key shrunk = new Key("default", "shrink", v1.type(), List.of(onlyFirst), 1, 1, Map.of("gone", "v2"),
        false, v1.createdAt(), two.revision() + 1);

    assertThatThrownBy(() -> keys().update(shrunk, two.revision()))
        .isInstanceOfSatisfying(RekeyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ILLEGAL_STATE));
    assertThat(keys().find("default", "shrink")).contains(two);
  }

  @Test
  void update_concurrentWritersOnSameRevision_exactlyOneWins() throws Exception {
    Key v1 = simple("default", "race");
    keys().insert(v1);
    int writers = 6;
    CyclicBarrier start = new CyclicBarrier(writers);
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    List<Future<Boolean>> results = new ArrayList<>();
    List<Key> candidates = new ArrayList<>();
    try {
      for (int i = 0; i < writers; i++) {
        Key mine = v1.rotate(material("race-" + i, "root-1"), true, t(i + 1));
        candidates.add(mine);
        Callable<Boolean> attempt = () -> {
          start.await();
          try {
            keys().update(mine, v1.revision());
            return true;
          } catch (RekeyException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.CONCURRENT_MODIFICATION);
            return false;
          }
        };
        results.add(pool.submit(attempt));
      }
      int wins = 0;
      for (Future<Boolean> f : results) {
        wins += f.get() ? 1 : 0;
      }
      assertThat(wins).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
    Key stored = keys().find("default", "race").orElseThrow();
    assertThat(candidates).contains(stored);
  }

  @Test
  void list_pages_inByteOrderOfNames() {
    for (String name : List.of("b", "B", "a", "c-1", "c.0", "A")) {
      keys().insert(simple("default", name));
    }
    keys().insert(simple("other", "a0"));

    List<Key> first = keys().list("default", null, 4);
    List<Key> second = keys().list("default", first.get(first.size() - 1).name(), 4);

    assertThat(first).extracting(Key::name).containsExactly("A", "B", "a", "b");
    assertThat(second).extracting(Key::name).containsExactly("c-1", "c.0");
    assertThat(keys().list("default", "c.0", 4)).isEmpty();
    assertThat(keys().list("default", null, 0)).isEmpty();
  }

  @Test
  void list_keysWithManyVersions_returnsWholeKeys() {
    keys().insert(everyState("default", "m1"));
    keys().insert(everyState("default", "m2"));

    assertThat(keys().list("default", null, 1)).containsExactly(everyState("default", "m1"));
    assertThat(keys().list("default", "m1", 10)).containsExactly(everyState("default", "m2"));
  }

  @Test
  void findWrappedByOtherRoot_mixedRoots_returnsOnlyKeysWithOldMaterial() {
    keys().insert(simple("default", "old-1"));
    keys().insert(simple("other", "old-2"));
    Key current = Key.create("default", "current", simple("x", "y").type(), Map.of(), material("c", "root-2"), T0);
    keys().insert(current);
    Key mixed = Key.create("default", "mixed", current.type(), Map.of(), material("m", "root-2"), T0)
        .rotate(material("m2", "root-1"), true, t(1));
    keys().insert(mixed);

    List<Key> all = keys().findWrappedByOtherRoot("root-2", 10);
    List<Key> one = keys().findWrappedByOtherRoot("root-2", 1);

    assertThat(all).extracting(Key::name).containsExactly("old-1", "old-2", "mixed");
    assertThat(one).extracting(Key::name).containsExactly("old-1");
    assertThat(keys().findWrappedByOtherRoot("root-1", 10)).extracting(Key::name).containsExactly("current", "mixed");
  }

  @Test
  void findWrappedByOtherRoot_destroyedVersionsOnly_notReturned() {
    Key k = Key.create("default", "d", simple("x", "y").type(), Map.of(), material("d1", "root-1"), T0)
        .rotate(material("d2", "root-2"), true, t(1))
        .revoke(1, t(2)).scheduleDestruction(1, t(3), t(2)).destroy(1, t(4));
    keys().insert(k);

    assertThat(keys().findWrappedByOtherRoot("root-2", 10)).isEmpty();
  }

  @Test
  void update_rewrappedMaterial_isFoundUnderNewRoot() {
    Key k = everyState("default", "rewrap");
    keys().insert(k);
    Key rewrapped = k.rewrapMaterial(w -> material("re-" + w.rootKeyId(), "root-2"));

    keys().update(rewrapped, k.revision());

    assertThat(keys().findWrappedByOtherRoot("root-2", 10)).isEmpty();
    assertThat(keys().find("default", "rewrap")).contains(rewrapped);
  }
}
