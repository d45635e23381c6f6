package dev.rekey.store;

import dev.rekey.core.RekeyException;
import dev.rekey.core.event.EventType;
import dev.rekey.core.key.WrappedKey;
import dev.rekey.core.port.WebhookRepository;
import dev.rekey.core.webhook.Webhook;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Subscriptions in table {@code webhooks}: event types as comma-separated short names, tags as
 * JSON, the secret as its wrapped bytes and root key generation.
 */
final class JdbcWebhookRepository implements WebhookRepository {
  private static final String COLUMNS = "id, url, event_types, namespace, tags, enabled, secret,"
      + " secret_root_key_id, created_at, updated_at";

  private final JdbcTransactions tx;

  JdbcWebhookRepository(JdbcTransactions tx) {
    this.tx = tx;
  }

  @Override
  public void insert(Webhook w) {
    tx.write("inserting a webhook", c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO webhooks (" + COLUMNS + ")"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
        ps.setString(1, w.id());
        ps.setString(2, w.url());
        ps.setString(3, types(w.eventTypes()));
        Columns.setNullableString(ps, 4, w.namespace());
        ps.setString(5, Columns.tags(w.tags()));
        ps.setBoolean(6, w.enabled());
        ps.setBytes(7, w.secret().ciphertext());
        ps.setString(8, w.secret().rootKeyId());
        ps.setLong(9, Columns.nanos(w.createdAt()));
        ps.setLong(10, Columns.nanos(w.updatedAt()));
        if (ps.executeUpdate() == 0) {
          throw RekeyException.alreadyExists("a webhook with id '" + w.id() + "' already exists");
        }
      }
      return null;
    });
  }

  @Override
  public Optional<Webhook> find(String id) {
    return tx.read("reading a webhook", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM webhooks WHERE id = ?")) {
        ps.setString(1, id);
        List<Webhook> found = readAll(ps);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
      }
    });
  }

  @Override
  public List<Webhook> list(String afterId, int limit) {
    JdbcKeyRepository.checkLimit(limit);
    return tx.read("listing webhooks", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
          + " FROM webhooks WHERE id > ? ORDER BY id LIMIT ?")) {
        ps.setString(1, afterId == null ? "" : afterId);
        ps.setInt(2, limit);
        return readAll(ps);
      }
    });
  }

  @Override
  public List<Webhook> enabled() {
    return tx.read("listing enabled webhooks", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
          + " FROM webhooks WHERE enabled = ? ORDER BY id")) {
        ps.setBoolean(1, true);
        return readAll(ps);
      }
    });
  }

  /** Every column but the secret (see {@link WebhookRepository#update}). */
  @Override
  public void update(Webhook w) {
    tx.write("updating a webhook", c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE webhooks SET url = ?, event_types = ?, namespace = ?,"
          + " tags = ?, enabled = ?, updated_at = ? WHERE id = ?")) {
        ps.setString(1, w.url());
        ps.setString(2, types(w.eventTypes()));
        Columns.setNullableString(ps, 3, w.namespace());
        ps.setString(4, Columns.tags(w.tags()));
        ps.setBoolean(5, w.enabled());
        ps.setLong(6, Columns.nanos(w.updatedAt()));
        ps.setString(7, w.id());
        if (ps.executeUpdate() == 0) {
          throw RekeyException.notFound("no webhook '" + w.id() + "'");
        }
      }
      return null;
    });
  }

  @Override
  public void storeSecret(String id, WrappedKey secret, Instant updatedAt) {
    tx.write("storing a webhook secret", c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE webhooks SET secret = ?, secret_root_key_id = ?,"
          + " updated_at = ? WHERE id = ?")) {
        ps.setBytes(1, secret.ciphertext());
        ps.setString(2, secret.rootKeyId());
        ps.setLong(3, Columns.nanos(updatedAt));
        ps.setString(4, id);
        if (ps.executeUpdate() == 0) {
          throw RekeyException.notFound("no webhook '" + id + "'");
        }
      }
      return null;
    });
  }

  @Override
  public boolean delete(String id) {
    return tx.write("deleting a webhook", c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM webhook_deliveries WHERE webhook_id = ?")) {
        ps.setString(1, id);
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM webhooks WHERE id = ?")) {
        ps.setString(1, id);
        return ps.executeUpdate() == 1;
      }
    });
  }

  /** Subscriptions whose secret another root key generation wraps (root key rotation). */
  @Override
  public List<Webhook> wrappedByOtherRoot(String currentRootKeyId, int limit) {
    return tx.read("finding webhook secrets to re-wrap", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
          + " FROM webhooks WHERE secret_root_key_id <> ? ORDER BY id LIMIT ?")) {
        ps.setString(1, currentRootKeyId);
        ps.setInt(2, limit);
        return readAll(ps);
      }
    });
  }

  /** Replaces the secret only if it is still {@code expected}; returns whether it did. */
  @Override
  public boolean replaceSecret(String id, WrappedKey expected, WrappedKey next) {
    return tx.write("re-wrapping a webhook secret", c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE webhooks SET secret = ?, secret_root_key_id = ?"
          + " WHERE id = ? AND secret = ? AND secret_root_key_id = ?")) {
        ps.setBytes(1, next.ciphertext());
        ps.setString(2, next.rootKeyId());
        ps.setString(3, id);
        ps.setBytes(4, expected.ciphertext());
        ps.setString(5, expected.rootKeyId());
        return ps.executeUpdate() == 1;
      }
    });
  }

  private static String types(Set<EventType> types) {
    return types.stream().map(EventType::shortName).sorted().collect(Collectors.joining(","));
  }

  private static Set<EventType> types(String stored) {
    Set<EventType> out = EnumSet.noneOf(EventType.class);
    for (String name : stored.split(",")) {
      if (!name.isEmpty()) {
        out.add(EventType.fromName(name).orElseThrow(() -> new IllegalStateException("unknown stored event type " + name)));
      }
    }
    return out;
  }

  private static List<Webhook> readAll(PreparedStatement ps) throws SQLException {
    List<Webhook> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(new Webhook(rs.getString("id"), rs.getString("url"), types(rs.getString("event_types")),
            rs.getString("namespace"), Columns.tags(rs.getString("tags")), rs.getBoolean("enabled"),
            new WrappedKey(rs.getBytes("secret"), rs.getString("secret_root_key_id")),
            Columns.getInstant(rs, "created_at"), Columns.getInstant(rs, "updated_at")));
      }
    }
    return out;
  }
}
