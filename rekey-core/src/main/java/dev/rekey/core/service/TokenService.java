package dev.rekey.core.service;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.auth.Grant;
import dev.rekey.core.auth.Principal;
import dev.rekey.core.auth.TokenRecord;
import dev.rekey.core.crypto.Hex;
import dev.rekey.core.crypto.Randomness;
import dev.rekey.core.port.TokenRepository;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Issues, authenticates and revokes tokens. A token is 256 random bits; only its SHA-256 is
 * stored. Successful look-ups are cached for {@code cacheTtl} (so revocation on another node takes
 * effect within that time; on this node at once). Unknown tokens are remembered for as long (up to
 * {@link #MAX_UNKNOWN} of them), so a client retrying a wrong token does not reach the store on
 * every request; a token issued on this node is forgotten there at once, and one issued on another
 * node cannot be among them (its value is random and was never presented before it existed).
 */
public final class TokenService {
  public static final String TOKEN_PREFIX = "rk_";
  private static final Pattern PRINCIPAL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,127}");
  public static final int MAX_GRANTS = 64;

  private final TokenRepository tokens;
  private final Clock clock;
  private final long cacheTtlNanos;
  private final Duration maxTtl;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();
  /** Hashes of tokens the store did not know, with the time of the look-up. */
  private final Map<String, Long> unknown = new ConcurrentHashMap<>();
  /** The most unknown tokens remembered; past it the memory starts over (a spray of fresh values gains nothing from it). */
  public static final int MAX_UNKNOWN = 10_000;
  /** Bumped by every revocation on this node: a look-up that raced one does not cache what it read. */
  private final java.util.concurrent.atomic.AtomicLong revocations = new java.util.concurrent.atomic.AtomicLong();
  /** Bumped by every token issued on this node: a look-up that raced one does not remember its token as unknown. */
  private final java.util.concurrent.atomic.AtomicLong issues = new java.util.concurrent.atomic.AtomicLong();

  private record Cached(TokenRecord record, long at) {}

  /** A newly issued token: the only time the token itself exists outside the caller. */
  public record Issued(String token, TokenRecord record) {
    @Override
    public String toString() {
      return "Issued[" + record.id() + ", token redacted]";
    }
  }

  public TokenService(TokenRepository tokens, Clock clock, Duration cacheTtl) {
    this(tokens, clock, cacheTtl, null);
  }

  /**
   * @param maxTtl the longest life of a token issued through the API (the server's
   *     {@code token_max_ttl}): one asked for without a ttl gets it, a longer ttl is refused. Null:
   *     no limit. Root tokens (init, dev) are not issued through the API and are not limited.
   */
  public TokenService(TokenRepository tokens, Clock clock, Duration cacheTtl, Duration maxTtl) {
    this.tokens = tokens;
    this.clock = clock;
    this.cacheTtlNanos = cacheTtl.toNanos();
    this.maxTtl = maxTtl;
  }

  /** Issues a token outside the API (a server's own, say): no issuing token, no upper bound on its life. */
  public Issued create(String principal, List<Grant> grants, Duration ttl, String createdBy) {
    return issue(newToken(principal, grants, ttl), principal, grants, ttl, createdBy, null, null);
  }

  /** A new random token, once the request for it is valid. */
  private static String newToken(String principal, List<Grant> grants, Duration ttl) {
    if (principal == null || !PRINCIPAL.matcher(principal).matches()) {
      throw RekeyException.invalid("invalid principal name: 1 to 128 characters from A-Z a-z 0-9 . _ @ -");
    }
    if (grants == null || grants.isEmpty() || grants.size() > MAX_GRANTS) {
      throw RekeyException.invalid("a token needs 1 to " + MAX_GRANTS + " grants");
    }
    if (ttl != null && (ttl.isNegative() || ttl.isZero())) {
      throw RekeyException.invalid("ttl must be positive");
    }
    return TOKEN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(Randomness.bytes(32));
  }

  /**
   * Issues a token on behalf of {@code creator} (an API caller): a token never gets more than its
   * creator holds. Each grant must be {@linkplain Principal#holds held} by the creator (a role with
   * at least its actions, on namespace and key patterns at least as wide), else FORBIDDEN; and it
   * expires no later than the creator's own token ({@code ttl} absent or longer: it expires with
   * the creator's token).
   */
  public Issued create(Principal creator, String principal, List<Grant> grants, Duration ttl) {
    if (grants != null) {
      for (Grant g : grants) {
        if (!creator.holds(g)) {
          throw RekeyException.forbidden("'" + creator.name() + "' may not issue " + g.role().wireName() + " on "
              + g.namespacePattern() + "/" + g.keyPattern() + ": a token can only be given grants its creator holds");
        }
      }
    }
    Duration life = ttl;
    if (maxTtl != null) {
      if (life == null) {
        life = maxTtl;
      } else if (life.compareTo(maxTtl) > 0) {
        throw RekeyException.invalid("field 'ttl' must be at most the server's token_max_ttl "
            + dev.rekey.core.Durations.text(maxTtl) + ", got " + dev.rekey.core.Durations.text(ttl));
      }
    }
    TokenRecord own = tokens.findById(creator.tokenId()).orElse(null);
    if (own != null && own.revokedAt() != null) {
      // revoked on another node since this node cached it: it issues nothing
      throw new RekeyException(ErrorCode.UNAUTHENTICATED, "the token is invalid, expired or revoked");
    }
    return issue(newToken(principal, grants, life), principal, grants, life, creator.name(), creator.tokenId(),
        own == null ? null : own.expiresAt());
  }

  /** The most tokens {@link #issuersOf} follows up a chain of issuers. */
  static final int MAX_ISSUER_CHAIN = 64;

  /**
   * The principals that issued token {@code tokenId}, directly or through the tokens they issued
   * it with, up to a root token: who could have given its holder its identity. Empty for an
   * unknown id or a root token.
   */
  public java.util.Set<String> issuersOf(String tokenId) {
    java.util.Set<String> names = new java.util.LinkedHashSet<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    String id = tokenId;
    for (int i = 0; id != null && i < MAX_ISSUER_CHAIN && seen.add(id); i++) {
      TokenRecord t = tokens.findById(id).orElse(null);
      if (t == null) {
        break;
      }
      if (t.createdBy() != null) {
        names.add(t.createdBy());
      }
      id = t.createdByToken();
    }
    return names;
  }

  /**
   * Stores a caller-chosen token (the dev root token) unless a token with that value exists.
   * Returns the stored record.
   */
  public TokenRecord ensure(String token, String principal, List<Grant> grants, String createdBy) {
    if (token == null || token.length() < 8) {
      throw RekeyException.invalid("a token must have at least 8 characters");
    }
    return tokens.findByHash(hash(token)).orElseGet(() -> issue(token, principal, grants, null, createdBy, null, null)
        .record());
  }

  /** {@code notAfter}: the latest expiry allowed (the creator's), or null. */
  private Issued issue(String token, String principal, List<Grant> grants, Duration ttl, String createdBy,
      String createdByToken, Instant notAfter) {
    Instant now = clock.instant();
    Instant expiresAt = ttl == null ? null : now.plus(ttl);
    if (notAfter != null) {
      if (!now.isBefore(notAfter)) {
        throw new RekeyException(ErrorCode.UNAUTHENTICATED, "the token is invalid, expired or revoked");
      }
      if (expiresAt == null || expiresAt.isAfter(notAfter)) {
        expiresAt = notAfter;
      }
    }
    TokenRecord record = new TokenRecord("tok_" + Hex.encode(Randomness.bytes(8)), hash(token), principal,
        grants, now, expiresAt, null, createdBy, createdByToken);
    tokens.insert(record);
    issues.incrementAndGet();
    unknown.remove(record.hash());
    return new Issued(token, record);
  }

  /**
   * The principal of a token this node has looked up within the cache TTL, without touching the
   * store (so an event loop may call it); null when it must be looked up with {@link #authenticate}.
   * UNAUTHENTICATED when the token is missing, or known and expired or revoked.
   */
  public Principal cachedPrincipal(String token) {
    if (token == null || token.isEmpty()) {
      throw new RekeyException(ErrorCode.UNAUTHENTICATED, "a token is required");
    }
    String h = hash(token);
    Cached c = cache.get(h);
    if (c == null || System.nanoTime() - c.at >= cacheTtlNanos) {
      refuseIfRecentlyUnknown(h);
      return null;
    }
    if (!c.record.usableAt(clock.instant())) {
      throw new RekeyException(ErrorCode.UNAUTHENTICATED, "the token is invalid, expired or revoked");
    }
    return new Principal(c.record.principal(), c.record.id(), c.record.grants());
  }

  /**
   * The principal a token stands for; UNAUTHENTICATED when missing, unknown, expired or revoked.
   * May read the store: call it off the event loop when {@link #cachedPrincipal} answers null.
   */
  public Principal authenticate(String token) {
    if (token == null || token.isEmpty()) {
      throw new RekeyException(ErrorCode.UNAUTHENTICATED, "a token is required");
    }
    String h = hash(token);
    Cached c = cache.get(h);
    TokenRecord record;
    if (c != null && System.nanoTime() - c.at < cacheTtlNanos) {
      record = c.record;
    } else {
      refuseIfRecentlyUnknown(h);
      long generation = revocations.get();
      long issued = issues.get();
      record = tokens.findByHash(h).orElse(null);
      if (record != null) {
        // a revocation bumps the counter before it clears the cache: either it finds this entry and
        // removes it, or this look-up sees the bump and does not store it
        Cached entry = new Cached(record, System.nanoTime());
        // atomic with the revocation's removeIf (same bin lock): no other request can see the entry
        // between its put and the check
        cache.compute(h, (k, old) -> revocations.get() == generation ? entry : old);
      } else {
        unknown.compute(h, (k, old) -> issues.get() == issued ? Long.valueOf(System.nanoTime()) : old);
        if (unknown.size() > MAX_UNKNOWN) {
          unknown.clear();
        }
      }
    }
    if (record == null || !record.usableAt(clock.instant())) {
      throw new RekeyException(ErrorCode.UNAUTHENTICATED, "the token is invalid, expired or revoked");
    }
    return new Principal(record.principal(), record.id(), record.grants());
  }

  public Optional<TokenRecord> find(String id) {
    return tokens.findById(id);
  }

  public List<TokenRecord> list(int limit) {
    return tokens.list(limit);
  }

  /** The tokens (up to {@code limit}) whose every grant {@code caller} {@linkplain Principal#holds holds}. */
  public List<TokenRecord> list(Principal caller, int limit) {
    return list(caller, null, limit);
  }

  /**
   * Up to {@code limit} tokens after {@code afterId} whose every grant {@code caller} holds, in
   * creation order: reads on past pages the filter empties, so a short answer means no more.
   */
  public List<TokenRecord> list(Principal caller, String afterId, int limit) {
    if (afterId != null && tokens.findById(afterId).isEmpty()) {
      // an empty page would read as "the end of the list"
      throw RekeyException.invalid("query parameter 'after' names no token; pass the next_after of the previous page");
    }
    List<TokenRecord> found = new java.util.ArrayList<>();
    String after = afterId;
    while (found.size() < limit) {
      List<TokenRecord> page = tokens.list(after, MAX_PAGE);
      for (TokenRecord t : page) {
        if (found.size() < limit && holdsAll(caller, t)) {
          found.add(t);
        }
      }
      if (page.size() < MAX_PAGE) {
        break;
      }
      after = page.get(page.size() - 1).id();
    }
    return found;
  }

  /** The most tokens one listing answers (and reads from the store at once). */
  public static final int MAX_PAGE = 1000;

  /**
   * Revokes token {@code id} for {@code caller}, who must hold every grant of it (what it could
   * have issued itself): a namespace admin cannot revoke the root token. NOT_FOUND when there is
   * no such token, FORBIDDEN when it is wider than the caller.
   */
  public void revoke(Principal caller, String id) {
    TokenRecord target = tokens.findById(id).orElseThrow(() -> RekeyException.notFound("no token with id '" + id + "'"));
    if (!holdsAll(caller, target)) {
      throw RekeyException.forbidden("'" + caller.name() + "' may not revoke token '" + id
          + "': it has grants its caller does not hold");
    }
    revoke(id);
  }

  private static boolean holdsAll(Principal caller, TokenRecord token) {
    return token.grants().stream().allMatch(caller::holds);
  }

  public void revoke(String id) {
    if (!tokens.revoke(id, clock.instant())) {
      throw RekeyException.notFound("no token with id '" + id + "'");
    }
    // a look-up that read the token before this revocation committed must not cache it after the
    // removal below: it sees the new generation and removes its entry itself
    revocations.incrementAndGet();
    cache.values().removeIf(c -> c.record.id().equals(id));
  }

  private void refuseIfRecentlyUnknown(String h) {
    Long missedAt = unknown.get(h);
    if (missedAt != null && System.nanoTime() - missedAt < cacheTtlNanos) {
      throw new RekeyException(ErrorCode.UNAUTHENTICATED, "the token is invalid, expired or revoked");
    }
  }

  static String hash(String token) {
    return Hex.encode(Hex.sha256(token.getBytes(StandardCharsets.UTF_8)));
  }
}
