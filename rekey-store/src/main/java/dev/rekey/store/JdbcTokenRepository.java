package dev.rekey.store;

import dev.rekey.core.RekeyException;
import dev.rekey.core.auth.TokenRecord;
import dev.rekey.core.port.TokenRepository;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Tokens in table {@code tokens}: only the hash of a token is stored; grants as JSON. */
final class JdbcTokenRepository implements TokenRepository {
  private static final String COLUMNS = "id, hash, principal, grants, created_at, expires_at, revoked_at, created_by,"
      + " created_by_token";

  private final JdbcTransactions tx;

  JdbcTokenRepository(JdbcTransactions tx) {
    this.tx = tx;
  }

  @Override
  public void insert(TokenRecord token) {
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(token.id(), "token id");
    Objects.requireNonNull(token.hash(), "token hash");
    Objects.requireNonNull(token.principal(), "token principal");
    Objects.requireNonNull(token.createdAt(), "token createdAt");
    String grants = Columns.grants(token.grants());
    long createdAt = Columns.nanos(token.createdAt());
    tx.write("inserting a token", c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO tokens (" + COLUMNS + ")"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
        ps.setString(1, token.id());
        ps.setString(2, token.hash());
        ps.setString(3, token.principal());
        ps.setString(4, grants);
        ps.setLong(5, createdAt);
        Columns.setInstant(ps, 6, token.expiresAt());
        Columns.setInstant(ps, 7, token.revokedAt());
        Columns.setNullableString(ps, 8, token.createdBy());
        Columns.setNullableString(ps, 9, token.createdByToken());
        if (ps.executeUpdate() == 0) {
          // the message names the public id only, never the hash
          throw RekeyException.alreadyExists("a token with id '" + token.id() + "' or the same secret already exists");
        }
      }
      return null;
    });
  }

  @Override
  public Optional<TokenRecord> findByHash(String hash) {
    return findOne("hash", hash);
  }

  @Override
  public Optional<TokenRecord> findById(String id) {
    return findOne("id", id);
  }

  @Override
  public boolean revoke(String id, Instant at) {
    Objects.requireNonNull(at, "at");
    long nanos = Columns.nanos(at);
    return tx.write("revoking a token", c -> {
      // the first revocation time is kept: revoking twice does not move it
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?")) {
        ps.setLong(1, nanos);
        ps.setString(2, id);
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public List<TokenRecord> list(String afterId, int limit) {
    JdbcKeyRepository.checkLimit(limit);
    return tx.read("listing tokens", c -> {
      if (afterId == null) {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
            + " FROM tokens ORDER BY created_at, id LIMIT ?")) {
          ps.setInt(1, limit);
          return readAll(ps);
        }
      }
      // keyset paging on (created_at, id) as a row-value comparison, which both dialects answer
      // with a seek into the tokens_created index (an OR of the two columns scans it from the start)
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM tokens WHERE (created_at, id) >"
          + " ((SELECT created_at FROM tokens WHERE id = ?), ?) ORDER BY created_at, id LIMIT ?")) {
        ps.setString(1, afterId);
        ps.setString(2, afterId);
        ps.setInt(3, limit);
        return readAll(ps);
      }
    });
  }


  private Optional<TokenRecord> findOne(String column, String value) {
    if (value == null) {
      return Optional.empty();
    }
    return tx.read("reading a token", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM tokens WHERE " + column + " = ?")) {
        ps.setString(1, value);
        List<TokenRecord> found = readAll(ps);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
      }
    });
  }

  private static List<TokenRecord> readAll(PreparedStatement ps) throws SQLException {
    List<TokenRecord> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(new TokenRecord(rs.getString("id"), rs.getString("hash"), rs.getString("principal"),
            Columns.grants(rs.getString("grants")), Columns.getInstant(rs, "created_at"),
            Columns.getInstant(rs, "expires_at"), Columns.getInstant(rs, "revoked_at"),
            rs.getString("created_by"), rs.getString("created_by_token")));
      }
    }
    return out;
  }
}
