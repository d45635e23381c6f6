package dev.rekey.store;

import static dev.rekey.store.Fixtures.T0;
import static dev.rekey.store.Fixtures.t;
import static dev.rekey.store.Fixtures.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.auth.TokenRecord;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The TokenRepository and SystemRepository contracts, run on every dialect. */
abstract class TokenAndSystemContract extends StoreContract {

  @Test
  void insert_token_roundTripsByHashAndById() {
    TokenRecord tok = token("tok-1", t(24));
    TokenRecord noExpiry = new TokenRecord("tok-2", "hash-2", "bob", List.of(), T0, null, null, null);

    store.tokens().insert(tok);
    store.tokens().insert(noExpiry);

    assertThat(store.tokens().findByHash("hash-of-tok-1")).contains(tok);
    assertThat(store.tokens().findById("tok-1")).contains(tok);
    assertThat(store.tokens().findById("tok-2")).contains(noExpiry);
    assertThat(store.tokens().findByHash("nope")).isEmpty();
    assertThat(store.tokens().findById("nope")).isEmpty();
  }

  @Test
  void insert_duplicateIdOrHash_throwsAlreadyExistsAndKeepsOriginal() {
    TokenRecord tok = token("tok-1", null);
    store.tokens().insert(tok);
    TokenRecord sameId = new TokenRecord("tok-1", "other-hash", "eve", List.of(), T0, null, null, null);
    TokenRecord sameHash = new TokenRecord("tok-9", tok.hash(), "eve", List.of(), T0, null, null, null);

    for (TokenRecord dup : List.of(sameId, sameHash)) {
      assertThatThrownBy(() -> store.tokens().insert(dup))
          .isInstanceOfSatisfying(RekeyException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.ALREADY_EXISTS);
            assertThat(e.getMessage()).doesNotContain(tok.hash());
          });
    }
    assertThat(store.tokens().list(10)).containsExactly(tok);
  }

  @Test
  void revoke_existingToken_setsRevokedAtOnce() {
    store.tokens().insert(token("tok-1", null));

    assertThat(store.tokens().revoke("tok-1", t(5))).isTrue();
    assertThat(store.tokens().revoke("tok-1", t(6))).isTrue();

    TokenRecord revoked = store.tokens().findById("tok-1").orElseThrow();
    assertThat(revoked.revokedAt()).isEqualTo(t(5));
    assertThat(revoked.usableAt(t(7))).isFalse();
  }

  @Test
  void revoke_missingToken_returnsFalse() {
    assertThat(store.tokens().revoke("ghost", t(1))).isFalse();
  }

  @Test
  void list_tokens_inCreationOrderUpToLimit() {
    for (int i = 3; i >= 1; i--) {
      store.tokens().insert(new TokenRecord("tok-" + i, "h" + i, "p", List.of(), t(i), null, null, "admin"));
    }

    assertThat(store.tokens().list(2)).extracting(TokenRecord::id).containsExactly("tok-1", "tok-2");
    assertThat(store.tokens().list(10)).hasSize(3);
  }

  @Test
  void list_afterAToken_continuesInCreationOrderThenId() {
    // two created at the same instant: id breaks the tie
    store.tokens().insert(new TokenRecord("tok-b", "hb", "p", List.of(), t(1), null, null, "admin"));
    store.tokens().insert(new TokenRecord("tok-a", "ha", "p", List.of(), t(1), null, null, "admin"));
    store.tokens().insert(new TokenRecord("tok-c", "hc", "p", List.of(), t(2), null, null, "admin"));
    store.tokens().insert(new TokenRecord("tok-0", "h0", "p", List.of(), t(3), null, null, "admin"));

    assertThat(store.tokens().list(null, 2)).extracting(TokenRecord::id).containsExactly("tok-a", "tok-b");
    assertThat(store.tokens().list("tok-b", 2)).extracting(TokenRecord::id).containsExactly("tok-c", "tok-0");
    assertThat(store.tokens().list("tok-a", 10)).extracting(TokenRecord::id).containsExactly("tok-b", "tok-c", "tok-0");
    assertThat(store.tokens().list("tok-0", 10)).isEmpty();
    assertThat(store.tokens().list("no-such-token", 10)).isEmpty();
  }

  @Test
  void get_missingName_returnsEmpty() {
    assertThat(store.system().get("root-keyring")).isEmpty();
  }

  @Test
  void putIfAbsent_twice_keepsFirstValue() {
    assertThat(store.system().putIfAbsent("seal", bytes("first"))).isTrue();
    assertThat(store.system().putIfAbsent("seal", bytes("second"))).isFalse();

    assertThat(store.system().get("seal")).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("first")));
  }

  @Test
  void compareAndSet_matchingBytes_replaces() {
    store.system().putIfAbsent("keyring", bytes("gen-1"));

    assertThat(store.system().compareAndSet("keyring", bytes("gen-1"), bytes("gen-2"))).isTrue();
    assertThat(store.system().get("keyring")).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("gen-2")));
  }

  @Test
  void compareAndSet_staleBytes_returnsFalseAndKeepsValue() {
    store.system().putIfAbsent("keyring", bytes("gen-1"));
    store.system().compareAndSet("keyring", bytes("gen-1"), bytes("gen-2"));

    assertThat(store.system().compareAndSet("keyring", bytes("gen-1"), bytes("gen-3"))).isFalse();
    assertThat(store.system().compareAndSet("missing", bytes("gen-1"), bytes("gen-3"))).isFalse();
    assertThat(store.system().get("keyring")).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("gen-2")));
    assertThat(store.system().get("missing")).isEmpty();
  }

  @Test
  void compareAndSet_nullExpected_actsAsPutIfAbsent() {
    assertThat(store.system().compareAndSet("n", null, bytes("a"))).isTrue();
    assertThat(store.system().compareAndSet("n", null, bytes("b"))).isFalse();
  }

  @Test
  void compareAndSet_binaryValues_comparedByteForByte() {
    byte[] value = new byte[256];
    for (int i = 0; i < value.length; i++) {
      value[i] = (byte) i;
    }
    store.system().putIfAbsent("bin", value);
    byte[] almost = value.clone();
    almost[255] = 0;

    assertThat(store.system().compareAndSet("bin", almost, bytes("x"))).isFalse();
    assertThat(store.system().compareAndSet("bin", value, bytes("x"))).isTrue();
  }

  @Test
  void lockingReads_inATransaction_readLikeGet_andTheTransactionCanStillWrite() {
    store.system().putIfAbsent("keyring", bytes("gen-1"));

    boolean replaced = store.transactions().inTransaction(() -> {
      assertThat(store.system().getShared("keyring")).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("gen-1")));
      assertThat(store.system().getShared("missing")).isEmpty();
      assertThat(store.system().getExclusive("keyring")).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("gen-1")));
      assertThat(store.system().getExclusive("missing")).isEmpty();
      return store.system().compareAndSet("keyring", bytes("gen-1"), bytes("gen-2"));
    });

    assertThat(replaced).isTrue();
    assertThat(store.system().getShared("keyring")).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("gen-2")));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
