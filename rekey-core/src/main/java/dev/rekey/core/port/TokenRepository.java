package dev.rekey.core.port;

import dev.rekey.core.auth.TokenRecord;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Storage of tokens, looked up by the hash of the token, never by the token itself. */
public interface TokenRepository {
  void insert(TokenRecord token);

  Optional<TokenRecord> findByHash(String hash);

  Optional<TokenRecord> findById(String id);

  /** Marks the token revoked at {@code at}; returns false when there is no such token. */
  boolean revoke(String id, Instant at);

  /** The first {@code limit} tokens in creation order (then id). */
  default List<TokenRecord> list(int limit) {
    return list(null, limit);
  }

  /**
   * Up to {@code limit} tokens after the token {@code afterId} (null: from the first) in creation
   * order, then id; empty when {@code afterId} names no token.
   */
  List<TokenRecord> list(String afterId, int limit);
}
