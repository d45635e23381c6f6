package dev.rekey.core.service;

import dev.rekey.core.testing.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.auth.Grant;
import dev.rekey.core.auth.Principal;
import dev.rekey.core.auth.Role;
import dev.rekey.core.auth.TokenRecord;
import dev.rekey.core.crypto.Hex;
import dev.rekey.core.port.TokenRepository;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class TokenServiceTest {
  private static final List<Grant> GRANTS = List.of(Grant.everywhere(Role.CRYPTO_USER));

  private final MutableClock clock = new MutableClock(Services.T0);
  private final Tokens repo = new Tokens();
  private final TokenService tokens = new TokenService(repo, clock, Duration.ofMinutes(1));

  /** A TokenRepository in memory, keyed by id; looks tokens up by hash only. */
  static class Tokens implements TokenRepository {
    final Map<String, TokenRecord> byId = Collections.synchronizedMap(new LinkedHashMap<>());

    @Override
    public void insert(TokenRecord token) {
      byId.put(token.id(), token);
    }

    @Override
    public Optional<TokenRecord> findByHash(String hash) {
      synchronized (byId) {
        return byId.values().stream().filter(t -> t.hash().equals(hash)).findFirst();
      }
    }

    @Override
    public Optional<TokenRecord> findById(String id) {
      return Optional.ofNullable(byId.get(id));
    }

    @Override
    public boolean revoke(String id, Instant at) {
      TokenRecord t = byId.get(id);
      if (t == null) {
        return false;
      }
      byId.put(id, new TokenRecord(t.id(), t.hash(), t.principal(), t.grants(), t.createdAt(), t.expiresAt(), at,
          t.createdBy()));
      return true;
    }

    @Override
    public List<TokenRecord> list(String afterId, int limit) {
      synchronized (byId) {
        List<TokenRecord> all = new ArrayList<>(byId.values());
        int from = 0;
        if (afterId != null) {
          from = all.stream().map(TokenRecord::id).toList().indexOf(afterId) + 1;
          if (from == 0) {
            return List.of();
          }
        }
        return all.subList(from, Math.min(all.size(), from + limit));
      }
    }
  }

  private static void assertCode(ThrowingCallable call, ErrorCode code) {
    assertThatThrownBy(call).isInstanceOfSatisfying(RekeyException.class, e -> assertThat(e.code()).isEqualTo(code));
  }

  @Test
  void create_storesOnlyTheHash_returnsTheTokenOnce() {
    TokenService.Issued issued = tokens.create("alice", GRANTS, Duration.ofHours(1), "root");
    String token = issued.token();
    assertThat(token).startsWith("rk_").hasSize(3 + 43);
    TokenRecord stored = repo.findById(issued.record().id()).orElseThrow();
    assertThat(stored.hash()).isEqualTo(Hex.encode(Hex.sha256(token.getBytes(StandardCharsets.UTF_8))));
    assertThat(stored.toString()).doesNotContain(token).doesNotContain(token.substring(3));
    assertThat(issued.toString()).doesNotContain(token);
    assertThat(stored.principal()).isEqualTo("alice");
    assertThat(stored.createdBy()).isEqualTo("root");
    assertThat(stored.expiresAt()).isEqualTo(Services.T0.plus(Duration.ofHours(1)));
    assertThat(tokens.create("alice", GRANTS, null, "root").token()).isNotEqualTo(token);
  }

  @Test
  void createOnBehalf_grantsBeyondTheCreatorsAreForbidden() {
    Principal nsAdmin = tokens.authenticate(tokens.create("pay-admin",
        List.of(new Grant(Role.ADMIN, "payments", "*")), null, "root").token());
    for (Grant wider : List.of(Grant.everywhere(Role.ADMIN), new Grant(Role.ADMIN, "pay*", "*"),
        new Grant(Role.CRYPTO_USER, "default", "*"), new Grant(Role.AUDITOR, "*", "*"))) {
      int before = repo.byId.size();
      assertCode(() -> tokens.create(nsAdmin, "root", List.of(new Grant(Role.CRYPTO_USER, "payments", "a"), wider),
          null), ErrorCode.FORBIDDEN);
      assertThat(repo.byId).hasSize(before);
    }
    TokenService.Issued ok = tokens.create(nsAdmin, "billing",
        List.of(new Grant(Role.CRYPTO_USER, "payments", "billing-*"), new Grant(Role.ADMIN, "payments", "*")), null);
    assertThat(ok.record().createdBy()).isEqualTo("pay-admin");

    Principal officer = tokens.authenticate(tokens.create("officer",
        List.of(new Grant(Role.ADMIN, "default", "billing-*")), null, "root").token());
    assertCode(() -> tokens.create(officer, "x", List.of(new Grant(Role.KEY_OFFICER, "default", "*")), null),
        ErrorCode.FORBIDDEN);
    assertCode(() -> tokens.create(officer, "x", List.of(new Grant(Role.KEY_OFFICER, "default", "billing*")), null),
        ErrorCode.FORBIDDEN);
    tokens.create(officer, "x", List.of(new Grant(Role.KEY_OFFICER, "default", "billing-*-eu")), null);

    Principal cryptoUser = tokens.authenticate(tokens.create("cu", GRANTS, null, "root").token());
    assertCode(() -> tokens.create(cryptoUser, "x", List.of(new Grant(Role.KEY_OFFICER, "*", "*")), null),
        ErrorCode.FORBIDDEN);
  }

  @Test
  void createOnBehalf_expiresNoLaterThanTheCreatorsToken() {
    Principal admin = tokens.authenticate(tokens.create("admin", List.of(Grant.everywhere(Role.ADMIN)),
        Duration.ofHours(1), "root").token());
    assertThat(tokens.create(admin, "a", GRANTS, null).record().expiresAt()).isEqualTo(Services.T0.plus(Duration.ofHours(1)));
    assertThat(tokens.create(admin, "b", GRANTS, Duration.ofDays(30)).record().expiresAt())
        .isEqualTo(Services.T0.plus(Duration.ofHours(1)));
    assertThat(tokens.create(admin, "c", GRANTS, Duration.ofMinutes(5)).record().expiresAt())
        .isEqualTo(Services.T0.plus(Duration.ofMinutes(5)));
    Principal root = tokens.authenticate(tokens.create("root", List.of(Grant.everywhere(Role.ADMIN)), null, "init").token());
    assertThat(tokens.create(root, "d", GRANTS, null).record().expiresAt()).isNull();
  }

  @Test
  void createOnBehalf_byATokenRevokedElsewhere_isUnauthenticated() {
    TokenService.Issued issued = tokens.create("admin", List.of(Grant.everywhere(Role.ADMIN)), null, "root");
    Principal admin = tokens.authenticate(issued.token());
    repo.revoke(issued.record().id(), Services.T0); // another node: this node's cache still has it
    assertCode(() -> tokens.create(admin, "a", GRANTS, null), ErrorCode.UNAUTHENTICATED);
  }

  @Test
  void listAndRevokeOnBehalf_onlyReachTokensTheCallerCouldHaveIssued() {
    TokenService.Issued root = tokens.create("root", List.of(Grant.everywhere(Role.ADMIN)), null, "init");
    TokenService.Issued nsAdminToken = tokens.create("pay-admin", List.of(new Grant(Role.ADMIN, "payments", "*")), null,
        "root");
    Principal nsAdmin = tokens.authenticate(nsAdminToken.token());
    TokenService.Issued app = tokens.create(nsAdmin, "pay-app", List.of(new Grant(Role.CRYPTO_USER, "payments", "a-*")),
        null);
    TokenService.Issued other = tokens.create("other", List.of(new Grant(Role.CRYPTO_USER, "default", "*")), null, "root");

    assertThat(tokens.list(nsAdmin, 100)).extracting(TokenRecord::id)
        .containsExactly(nsAdminToken.record().id(), app.record().id());
    assertCode(() -> tokens.revoke(nsAdmin, root.record().id()), ErrorCode.FORBIDDEN);
    assertCode(() -> tokens.revoke(nsAdmin, other.record().id()), ErrorCode.FORBIDDEN);
    assertCode(() -> tokens.revoke(nsAdmin, "tok_missing"), ErrorCode.NOT_FOUND);
    assertThat(repo.findById(root.record().id()).orElseThrow().revokedAt()).isNull();
    tokens.authenticate(root.token());

    tokens.revoke(nsAdmin, app.record().id());
    assertCode(() -> tokens.authenticate(app.token()), ErrorCode.UNAUTHENTICATED);
    Principal rootP = tokens.authenticate(root.token());
    assertThat(tokens.list(rootP, 100)).hasSize(4);
    tokens.revoke(rootP, other.record().id());
    assertCode(() -> tokens.authenticate(other.token()), ErrorCode.UNAUTHENTICATED);
  }

  @Test
  void authenticate_validToken_givesPrincipalWithTokenIdNotToken() {
    TokenService.Issued issued = tokens.create("alice", GRANTS, null, "root");
    Principal p = tokens.authenticate(issued.token());
    assertThat(p.name()).isEqualTo("alice");
    assertThat(p.tokenId()).isEqualTo(issued.record().id()).doesNotContain(issued.token());
    assertThat(p.grants()).isEqualTo(GRANTS);
  }

  @Test
  void authenticate_missingOrUnknownToken_throwsUnauthenticated() {
    assertCode(() -> tokens.authenticate(null), ErrorCode.UNAUTHENTICATED);
    assertCode(() -> tokens.authenticate(""), ErrorCode.UNAUTHENTICATED);
    assertCode(() -> tokens.authenticate("rk_unknown"), ErrorCode.UNAUTHENTICATED);
    String token = tokens.create("alice", GRANTS, null, "root").token();
    assertCode(() -> tokens.authenticate(token + "x"), ErrorCode.UNAUTHENTICATED);
  }

  @Test
  void authenticate_afterExpiry_throwsUnauthenticatedEvenWhenCached() {
    String token = tokens.create("alice", GRANTS, Duration.ofHours(1), "root").token();
    tokens.authenticate(token);
    clock.advance(Duration.ofMinutes(59));
    tokens.authenticate(token);
    clock.advance(Duration.ofMinutes(1));
    assertCode(() -> tokens.authenticate(token), ErrorCode.UNAUTHENTICATED);
  }

  @Test
  void revoke_takesEffectAtOnceOnThisNodeEvenWhenCached() {
    TokenService.Issued issued = tokens.create("alice", GRANTS, null, "root");
    tokens.authenticate(issued.token());
    tokens.revoke(issued.record().id());
    assertCode(() -> tokens.authenticate(issued.token()), ErrorCode.UNAUTHENTICATED);
    assertThat(tokens.find(issued.record().id()).orElseThrow().revokedAt()).isEqualTo(Services.T0);
  }

  @Test
  void revoke_racingALookUp_doesNotLeaveTheTokenCachedOnThisNode() {
    TokenService.Issued issued = tokens.create("alice", GRANTS, null, "root");
    TokenService[] service = new TokenService[1];
    boolean[] raced = {false};
    // a look-up reads the token, then the revocation commits and clears the cache before the look-up caches it
    Tokens racing = new Tokens() {
      @Override
      public Optional<TokenRecord> findByHash(String hash) {
        Optional<TokenRecord> read = super.findByHash(hash);
        if (!raced[0]) {
          raced[0] = true;
          service[0].revoke(issued.record().id());
        }
        return read;
      }
    };
    racing.insert(issued.record());
    service[0] = new TokenService(racing, clock, Duration.ofMinutes(1));
    service[0].authenticate(issued.token()); // in flight when revoked: allowed
    assertCode(() -> service[0].authenticate(issued.token()), ErrorCode.UNAUTHENTICATED);
  }

  @Test
  void revoke_onOtherNodeWithoutCache_takesEffectThere() {
    TokenService other = new TokenService(repo, clock, Duration.ZERO);
    TokenService.Issued issued = tokens.create("alice", GRANTS, null, "root");
    other.authenticate(issued.token());
    tokens.revoke(issued.record().id());
    assertCode(() -> other.authenticate(issued.token()), ErrorCode.UNAUTHENTICATED);
  }

  @Test
  void revoke_unknownId_throwsNotFound() {
    assertCode(() -> tokens.revoke("tok_nope"), ErrorCode.NOT_FOUND);
  }

  @Test
  void create_invalidPrincipalGrantsOrTtl_throwsInvalidRequest() {
    assertCode(() -> tokens.create("", GRANTS, null, "root"), ErrorCode.INVALID_REQUEST);
    assertCode(() -> tokens.create("bad name", GRANTS, null, "root"), ErrorCode.INVALID_REQUEST);
    assertCode(() -> tokens.create("alice", List.of(), null, "root"), ErrorCode.INVALID_REQUEST);
    assertCode(() -> tokens.create("alice", null, null, "root"), ErrorCode.INVALID_REQUEST);
    assertCode(() -> tokens.create("alice", Collections.nCopies(65, GRANTS.get(0)), null, "root"), ErrorCode.INVALID_REQUEST);
    assertCode(() -> tokens.create("alice", GRANTS, Duration.ZERO, "root"), ErrorCode.INVALID_REQUEST);
    assertCode(() -> tokens.create("alice", GRANTS, Duration.ofSeconds(-1), "root"), ErrorCode.INVALID_REQUEST);
    assertThat(repo.byId).isEmpty();
  }

  @Test
  void ensure_storesGivenTokenOnce() {
    TokenRecord first = tokens.ensure("dev-root-token", "root", List.of(Grant.everywhere(Role.ADMIN)), "dev");
    TokenRecord again = tokens.ensure("dev-root-token", "root", List.of(Grant.everywhere(Role.ADMIN)), "dev");
    assertThat(again.id()).isEqualTo(first.id());
    assertThat(repo.byId).hasSize(1);
    assertThat(first.hash()).isNotEqualTo("dev-root-token");
    assertThat(tokens.authenticate("dev-root-token").name()).isEqualTo("root");
    assertCode(() -> tokens.ensure("short", "root", GRANTS, "dev"), ErrorCode.INVALID_REQUEST);
  }

  @Test
  void list_returnsRecords() {
    tokens.create("alice", GRANTS, null, "root");
    tokens.create("bob", GRANTS, null, "root");
    assertThat(tokens.list(10)).extracting(TokenRecord::principal).containsExactly("alice", "bob");
  }

  @Test
  void unknownToken_isRefusedWithoutTheStore_withinTheTtl() {
    int[] reads = {0};
    Tokens counting = new Tokens() {
      @Override
      public Optional<TokenRecord> findByHash(String hash) {
        reads[0]++;
        return super.findByHash(hash);
      }
    };
    TokenService service = new TokenService(counting, clock, Duration.ofMinutes(1));
    assertThat(service.cachedPrincipal("rk_wrong")).as("never looked up").isNull();
    assertCode(() -> service.authenticate("rk_wrong"), ErrorCode.UNAUTHENTICATED);
    assertCode(() -> service.cachedPrincipal("rk_wrong"), ErrorCode.UNAUTHENTICATED);
    assertCode(() -> service.authenticate("rk_wrong"), ErrorCode.UNAUTHENTICATED);
    assertThat(reads[0]).as("one store read for the first look-up, none after").isEqualTo(1);

    TokenService uncached = new TokenService(counting, clock, Duration.ZERO);
    assertCode(() -> uncached.authenticate("rk_wrong"), ErrorCode.UNAUTHENTICATED);
    assertThat(uncached.cachedPrincipal("rk_wrong")).as("a zero ttl remembers nothing").isNull();
  }

  @Test
  void unknownToken_issuedLaterOnThisNode_isAcceptedAtOnce() {
    assertCode(() -> tokens.authenticate("dev-root-token"), ErrorCode.UNAUTHENTICATED);
    tokens.ensure("dev-root-token", "root", List.of(Grant.everywhere(Role.ADMIN)), "dev");
    assertThat(tokens.cachedPrincipal("dev-root-token")).as("forgotten as unknown, not cached yet").isNull();
    assertThat(tokens.authenticate("dev-root-token").name()).isEqualTo("root");
  }

  @Test
  void unknownToken_issuedWhileALookUpRuns_isNotRememberedAsUnknown() {
    TokenService[] service = new TokenService[1];
    boolean[] raced = {false};
    // the look-up misses the token, then it is issued, then the look-up would remember the miss
    Tokens racing = new Tokens() {
      @Override
      public Optional<TokenRecord> findByHash(String hash) {
        Optional<TokenRecord> read = super.findByHash(hash);
        if (!raced[0]) {
          raced[0] = true;
          service[0].ensure("dev-root-token", "root", List.of(Grant.everywhere(Role.ADMIN)), "dev");
        }
        return read;
      }
    };
    service[0] = new TokenService(racing, clock, Duration.ofMinutes(1));
    assertCode(() -> service[0].authenticate("dev-root-token"), ErrorCode.UNAUTHENTICATED);
    assertThat(service[0].cachedPrincipal("dev-root-token")).isNull();
    assertThat(service[0].authenticate("dev-root-token").name()).isEqualTo("root");
  }

  @Test
  void cachedPrincipal_answersWithoutTheStore_onlyForATokenLookedUpWithinTheTtl() {
    TokenService.Issued issued = tokens.create("alice", GRANTS, Duration.ofMinutes(30), "root");
    assertThat(tokens.cachedPrincipal(issued.token())).as("not looked up yet").isNull();
    assertThat(tokens.cachedPrincipal("rk_unknown")).as("not looked up yet").isNull();
    assertCode(() -> tokens.cachedPrincipal(""), ErrorCode.UNAUTHENTICATED);
    assertCode(() -> tokens.cachedPrincipal(null), ErrorCode.UNAUTHENTICATED);

    Principal looked = tokens.authenticate(issued.token());
    repo.byId.clear(); // the store is not read again while the entry is fresh
    Principal cached = tokens.cachedPrincipal(issued.token());
    assertThat(cached).isNotNull();
    assertThat(cached.name()).isEqualTo(looked.name());
    assertThat(cached.tokenId()).isEqualTo(issued.record().id());

    clock.advance(Duration.ofMinutes(31)); // expired, though still within the cache entry's life
    assertCode(() -> tokens.cachedPrincipal(issued.token()), ErrorCode.UNAUTHENTICATED);
  }

  @Test
  void list_pagesAfterAToken_andReadsPastTokensTheCallerMayNotSee() {
    Principal root = new Principal("root", "tok_root", List.of(Grant.everywhere(Role.ADMIN)));
    Principal payAdmin = new Principal("pay", "tok_pay", List.of(new Grant(Role.ADMIN, "payments", "*")));
    for (int i = 0; i < TokenService.MAX_PAGE + 5; i++) {
      tokens.create(root, "wide-" + i, GRANTS, null); // crypto-user everywhere: not the pay admin's
    }
    TokenRecord mine = tokens.create(root, "pay-app", List.of(new Grant(Role.CRYPTO_USER, "payments", "*")), null)
        .record();

    // the pay admin's only token comes after more than a page of others
    assertThat(tokens.list(payAdmin, null, 10)).extracting(TokenRecord::id).containsExactly(mine.id());
    List<TokenRecord> first = tokens.list(root, null, 3);
    assertThat(first).hasSize(3);
    assertThat(tokens.list(root, first.get(2).id(), 2).get(0).principal()).isEqualTo("wide-3");
    assertCode(() -> tokens.list(root, "tok_nosuch", 2), ErrorCode.INVALID_REQUEST);
  }

  @Test
  void maxTtl_givesTokensWithoutATtlThatLife_andRefusesLongerOnes_butNotRootTokens() {
    TokenService limited = new TokenService(repo, clock, Duration.ofMinutes(1), Duration.ofDays(32));
    Principal root = new Principal("root", "tok_root", List.of(Grant.everywhere(Role.ADMIN)));

    assertThat(limited.create(root, "svc", GRANTS, null).record().expiresAt())
        .isEqualTo(Services.T0.plus(Duration.ofDays(32)));
    assertThat(limited.create(root, "svc", GRANTS, Duration.ofDays(1)).record().expiresAt())
        .isEqualTo(Services.T0.plus(Duration.ofDays(1)));
    assertThatThrownBy(() -> limited.create(root, "svc", GRANTS, Duration.ofDays(33)))
        .isInstanceOfSatisfying(RekeyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST))
        .hasMessageContaining("token_max_ttl P32D");
    // the init or dev root token is not issued through the API
    assertThat(limited.create("root", List.of(Grant.everywhere(Role.ADMIN)), null, "init").record().expiresAt())
        .isNull();
  }
}
