package dev.rekey.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.crypto.SecretAccess;
import dev.rekey.core.dek.StoredDek;
import dev.rekey.core.dek.UnwrappedDek;
import dev.rekey.core.key.KeyType;
import dev.rekey.core.port.DekRepository.KekVersionRef;
import dev.rekey.core.port.DekRepository.Rewrapped;
import dev.rekey.core.root.RootKeyring;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The tenant DEK store (repository and service over a real database), on every dialect. */
abstract class DekStoreContract extends StoreContract {
  static final Instant T0 = Instant.parse("2026-05-01T08:00:00.123456789Z");
  static final String NS = "default";

  DekNode node;

  @BeforeEach
  void node() {
    node = new DekNode(store, RootKeyring.generate(T0), new DekNode.TestClock(T0), "node-a", 1000);
    node.keys.create(NS, "tenants", KeyType.AES256_GCM, Map.of());
  }

  static byte[] plain(UnwrappedDek d) {
    return d.key().reveal(SecretAccess.get()).clone();
  }

  @Test
  void create_storesVersion1WrappedByThePrimary_andFetchReturnsThe32ByteKey() {
    StoredDek created = node.deks.create(NS, "tenants", "acme");

    assertThat(created.version()).isEqualTo(1);
    assertThat(created.kekVersion()).isEqualTo(1);
    assertThat(created.rowVersion()).isZero();
    assertThat(created.createdAt()).isEqualTo(T0);
    UnwrappedDek fetched = node.deks.fetch(NS, "tenants", "acme", null);
    assertThat(fetched.key().length()).isEqualTo(32);
    assertThat(fetched.stored().wrapped()).isEqualTo(created.wrapped());
    assertThat(plain(node.deks.fetch(NS, "tenants", "acme", 1))).isEqualTo(plain(fetched));
  }

  @Test
  void create_twice_isAlreadyExists() {
    node.deks.create(NS, "tenants", "acme");
    assertThatThrownBy(() -> node.deks.create(NS, "tenants", "acme"))
        .isInstanceOfSatisfying(RekeyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ALREADY_EXISTS));
  }

  @Test
  void create_underAMissingOrNonAesKey_andABadTenant_areClearErrors() {
    node.keys.create(NS, "hmac", KeyType.HMAC_SHA256, Map.of());
    assertThatThrownBy(() -> node.deks.create(NS, "nope", "acme"))
        .isInstanceOfSatisfying(RekeyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    assertThatThrownBy(() -> node.deks.create(NS, "hmac", "acme")).isInstanceOfSatisfying(RekeyException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_OPERATION));
    assertThatThrownBy(() -> node.deks.create(NS, "tenants", "a|b")).isInstanceOfSatisfying(RekeyException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
    assertThat(store.deks().latest(NS, "hmac", "acme")).isEmpty();
  }

  @Test
  void rotate_addsANewLatestVersion_andOldVersionsStayReadable() {
    node.deks.create(NS, "tenants", "acme");
    byte[] v1 = plain(node.deks.fetch(NS, "tenants", "acme", null));

    StoredDek v2 = node.deks.rotate(NS, "tenants", "acme");

    assertThat(v2.version()).isEqualTo(2);
    byte[] latest = plain(node.deks.fetch(NS, "tenants", "acme", null));
    assertThat(latest).isNotEqualTo(v1);
    assertThat(plain(node.deks.fetch(NS, "tenants", "acme", 1))).isEqualTo(v1);
    assertThat(node.deks.versions(NS, "tenants", "acme")).extracting(StoredDek::version).containsExactly(1, 2);
  }

  @Test
  void list_showsTheLatestVersionPerTenant_paged() {
    for (String t : List.of("c", "a", "b")) {
      node.deks.create(NS, "tenants", t);
    }
    node.deks.rotate(NS, "tenants", "b");

    List<StoredDek> first = node.deks.list(NS, "tenants", null, 2);
    assertThat(first).extracting(StoredDek::tenant).containsExactly("a", "b");
    assertThat(first.get(1).version()).isEqualTo(2);
    assertThat(node.deks.list(NS, "tenants", "b", 2)).extracting(StoredDek::tenant).containsExactly("c");
  }

  @Test
  void wrappedValue_copiedOntoAnotherTenantOrVersion_failsToUnwrap() {
    StoredDek a = node.deks.create(NS, "tenants", "acme");
    StoredDek b = node.deks.create(NS, "tenants", "bravo");
    // Put acme's wrapped key into bravo's row, keeping bravo's row version.
    store.transactions().run(() ->
        store.deks().rewrap(NS, "tenants", 1, List.of(new Rewrapped(b.id(), 0, a.wrapped())), 1, null));

    assertThatThrownBy(() -> node.deks.fetch(NS, "tenants", "bravo", null))
        .isInstanceOfSatisfying(RekeyException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.DECRYPTION_FAILED);
          assertThat(e.getMessage()).isEqualTo("decryption failed");
        });
  }

  @Test
  void rewrap_isConditionalOnTheRowVersion() {
    StoredDek a = node.deks.create(NS, "tenants", "acme");

    int first = store.deks().rewrap(NS, "tenants", 1, List.of(new Rewrapped(a.id(), 0, a.wrapped())), 1, 7L);
    int stale = store.deks().rewrap(NS, "tenants", 1, List.of(new Rewrapped(a.id(), 0, a.wrapped())), 1, 7L);

    assertThat(first).isEqualTo(1);
    assertThat(stale).isZero();
    StoredDek now = store.deks().latest(NS, "tenants", "acme").orElseThrow();
    assertThat(now.rowVersion()).isEqualTo(1);
    assertThat(now.rewrapCampaign()).isEqualTo(7L);
  }

  @Test
  void nextKekVersion_walksEachKekVersionInUseOnce() {
    node.keys.create(NS, "other", KeyType.AES256_GCM, Map.of());
    node.deks.create(NS, "tenants", "a");
    node.deks.create(NS, "tenants", "b");
    node.keys.rotate(NS, "tenants", true);
    node.deks.create(NS, "tenants", "c");
    node.deks.create(NS, "other", "a");

    KekVersionRef r1 = store.deks().nextKekVersion(null).orElseThrow();
    KekVersionRef r2 = store.deks().nextKekVersion(r1).orElseThrow();
    KekVersionRef r3 = store.deks().nextKekVersion(r2).orElseThrow();
    assertThat(List.of(r1, r2, r3)).containsExactly(new KekVersionRef(NS, "other", 1),
        new KekVersionRef(NS, "tenants", 1), new KekVersionRef(NS, "tenants", 2));
    assertThat(store.deks().nextKekVersion(r3)).isEqualTo(Optional.empty());
    assertThat(store.deks().countWrapped(NS, "tenants", 1, 2)).isEqualTo(2);
    assertThat(store.deks().countWrapped(NS, "tenants", 1, 3)).isEqualTo(3);
  }

  @Test
  void fetch_underAKekVersionThatMayNoLongerDecrypt_isTheGenericFailure() {
    node.deks.create(NS, "tenants", "acme");
    node.keys.rotate(NS, "tenants", true);
    node.keys.changeVersion(NS, "tenants", 1, dev.rekey.core.service.VersionAction.REVOKE, null);

    assertThatThrownBy(() -> node.deks.fetch(NS, "tenants", "acme", null))
        .isInstanceOfSatisfying(RekeyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DECRYPTION_FAILED));
  }

  @Test
  void toString_ofStoredAndUnwrappedDeks_showsNoKeyMaterial() {
    node.deks.create(NS, "tenants", "acme");
    UnwrappedDek d = node.deks.fetch(NS, "tenants", "acme", null);
    String hex = java.util.HexFormat.of().formatHex(plain(d));

    assertThat(d.toString()).contains("redacted").doesNotContain(hex);
    assertThat(d.stored().toString()).doesNotContain(hex).doesNotContain("wrapped=");
  }
}
