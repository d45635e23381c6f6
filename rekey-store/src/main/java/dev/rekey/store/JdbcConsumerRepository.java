package dev.rekey.store;

import dev.rekey.core.RekeyException;
import dev.rekey.core.consumer.Binding;
import dev.rekey.core.consumer.BindingMode;
import dev.rekey.core.consumer.BindingState;
import dev.rekey.core.consumer.BindingSubject;
import dev.rekey.core.consumer.Consumer;
import dev.rekey.core.consumer.PropagationPolicy;
import dev.rekey.core.consumer.RotationUpdate;
import dev.rekey.core.consumer.Selector;
import dev.rekey.core.key.WrappedKey;
import dev.rekey.core.port.ConsumerRepository;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Consumers and bindings in tables {@code consumers}, {@code consumer_selectors},
 * {@code consumer_bindings}, {@code consumer_updates} and {@code propagation_policies}. Bindings
 * ({@link JdbcBindings}) and rotations on them ({@link JdbcBindingRotations}) live in their own
 * classes behind this port. States are
 * stored by enum name and written as literals in queries on partial indexes, so the planner uses
 * them (a bound parameter would not match the index predicate).
 */
final class JdbcConsumerRepository implements ConsumerRepository {
  private static final String CONSUMER_COLUMNS = "namespace, name, kind, tags, owner, principal, hook_url,"
      + " hook_secret, hook_secret_root_key_id, created_at, updated_at";
  private static final String NAMESPACE_DEFAULT = "*";

  private final JdbcTransactions tx;

  private final JdbcBindings bindings;
  private final JdbcBindingRotations rotations;

  JdbcConsumerRepository(JdbcTransactions tx, Dialect dialect) {
    this.tx = tx;
    this.bindings = new JdbcBindings(tx, dialect);
    this.rotations = new JdbcBindingRotations(tx);
  }

  @Override
  public void insert(Consumer c) {
    tx.write("registering a consumer", conn -> {
      try (PreparedStatement ps = conn.prepareStatement("INSERT INTO consumers (" + CONSUMER_COLUMNS + ")"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
        setConsumer(ps, c);
        if (ps.executeUpdate() == 0) {
          throw RekeyException.alreadyExists("a consumer '" + c.name() + "' already exists in namespace '"
              + c.namespace() + "'");
        }
      }
      return null;
    });
  }

  private static void setConsumer(PreparedStatement ps, Consumer c) throws SQLException {
    ps.setString(1, c.namespace());
    ps.setString(2, c.name());
    ps.setString(3, c.kind());
    ps.setString(4, Columns.tags(c.tags()));
    Columns.setNullableString(ps, 5, c.owner());
    Columns.setNullableString(ps, 6, c.principal());
    Columns.setNullableString(ps, 7, c.hookUrl());
    ps.setBytes(8, c.hookSecret() == null ? null : c.hookSecret().ciphertext());
    Columns.setNullableString(ps, 9, c.hookSecret() == null ? null : c.hookSecret().rootKeyId());
    ps.setLong(10, Columns.nanos(c.createdAt()));
    ps.setLong(11, Columns.nanos(c.updatedAt()));
  }

  @Override
  public Optional<Consumer> find(String namespace, String name) {
    return tx.read("reading a consumer", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + CONSUMER_COLUMNS
          + " FROM consumers WHERE namespace = ? AND name = ?")) {
        ps.setString(1, namespace);
        ps.setString(2, name);
        List<Consumer> found = consumers(ps);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
      }
    });
  }

  @Override
  public List<Consumer> list(String namespace, String afterName, int limit) {
    return tx.read("listing consumers", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + CONSUMER_COLUMNS
          + " FROM consumers WHERE namespace = ? AND name > ? ORDER BY name LIMIT ?")) {
        ps.setString(1, namespace);
        ps.setString(2, afterName == null ? "" : afterName);
        ps.setInt(3, limit);
        return consumers(ps);
      }
    });
  }

  /** Every column but the hook (see {@link ConsumerRepository#update}). */
  @Override
  public void update(Consumer c) {
    tx.write("updating a consumer", conn -> {
      try (PreparedStatement ps = conn.prepareStatement("UPDATE consumers SET kind = ?, tags = ?, owner = ?,"
          + " principal = ?, updated_at = ? WHERE namespace = ? AND name = ?")) {
        ps.setString(1, c.kind());
        ps.setString(2, Columns.tags(c.tags()));
        Columns.setNullableString(ps, 3, c.owner());
        Columns.setNullableString(ps, 4, c.principal());
        ps.setLong(5, Columns.nanos(c.updatedAt()));
        ps.setString(6, c.namespace());
        ps.setString(7, c.name());
        if (ps.executeUpdate() == 0) {
          throw RekeyException.notFound("no consumer '" + c.name() + "' in namespace '" + c.namespace() + "'");
        }
      }
      return null;
    });
  }

  @Override
  public void storeHook(String namespace, String name, String hookUrl, WrappedKey hookSecret, Instant updatedAt) {
    if ((hookUrl == null) != (hookSecret == null)) {
      throw new IllegalArgumentException("a hook URL and its secret come together");
    }
    tx.write("storing a consumer hook", conn -> {
      try (PreparedStatement ps = conn.prepareStatement("UPDATE consumers SET hook_url = ?, hook_secret = ?,"
          + " hook_secret_root_key_id = ?, updated_at = ? WHERE namespace = ? AND name = ?")) {
        Columns.setNullableString(ps, 1, hookUrl);
        ps.setBytes(2, hookSecret == null ? null : hookSecret.ciphertext());
        Columns.setNullableString(ps, 3, hookSecret == null ? null : hookSecret.rootKeyId());
        ps.setLong(4, Columns.nanos(updatedAt));
        ps.setString(5, namespace);
        ps.setString(6, name);
        if (ps.executeUpdate() == 0) {
          throw RekeyException.notFound("no consumer '" + name + "' in namespace '" + namespace + "'");
        }
      }
      return null;
    });
  }

  @Override
  public boolean delete(String namespace, String name) {
    return tx.write("removing a consumer", c -> {
      for (String table : List.of("consumer_bindings", "consumer_selectors")) {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE namespace = ? AND consumer = ?")) {
          ps.setString(1, namespace);
          ps.setString(2, name);
          ps.executeUpdate();
        }
      }
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM consumers WHERE namespace = ? AND name = ?")) {
        ps.setString(1, namespace);
        ps.setString(2, name);
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public List<Consumer> byPrincipal(String namespace, String principal) {
    return tx.read("finding consumers by principal", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + CONSUMER_COLUMNS
          + " FROM consumers WHERE namespace = ? AND principal = ? ORDER BY name")) {
        ps.setString(1, namespace);
        ps.setString(2, principal);
        return consumers(ps);
      }
    });
  }

  @Override
  public List<Consumer> hookSecretsWrappedByOtherRoot(String currentRootKeyId, int limit) {
    return tx.read("finding consumer hook secrets to re-wrap", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + CONSUMER_COLUMNS + " FROM consumers"
          + " WHERE hook_secret_root_key_id IS NOT NULL AND hook_secret_root_key_id <> ? ORDER BY namespace, name LIMIT ?")) {
        ps.setString(1, currentRootKeyId);
        ps.setInt(2, limit);
        return consumers(ps);
      }
    });
  }

  @Override
  public boolean replaceHookSecret(String namespace, String name, WrappedKey expected, WrappedKey next) {
    return tx.write("re-wrapping a consumer hook secret", c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE consumers SET hook_secret = ?, hook_secret_root_key_id = ?"
          + " WHERE namespace = ? AND name = ? AND hook_secret = ? AND hook_secret_root_key_id = ?")) {
        ps.setBytes(1, next.ciphertext());
        ps.setString(2, next.rootKeyId());
        ps.setString(3, namespace);
        ps.setString(4, name);
        ps.setBytes(5, expected.ciphertext());
        ps.setString(6, expected.rootKeyId());
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public void putSelector(String namespace, Selector s) {
    tx.write("storing a consumer selector", c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO consumer_selectors (namespace, consumer, tags, mode)"
          + " VALUES (?, ?, ?, ?) ON CONFLICT (namespace, consumer, tags) DO UPDATE SET mode = excluded.mode")) {
        ps.setString(1, namespace);
        ps.setString(2, s.consumer());
        ps.setString(3, Columns.tags(s.tags()));
        ps.setString(4, s.mode().name());
        ps.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public boolean deleteSelector(String namespace, String consumer, Map<String, String> tags) {
    return tx.write("removing a consumer selector", c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM consumer_selectors"
          + " WHERE namespace = ? AND consumer = ? AND tags = ?")) {
        ps.setString(1, namespace);
        ps.setString(2, consumer);
        ps.setString(3, Columns.tags(tags));
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public List<Selector> selectors(String namespace) {
    return tx.read("reading consumer selectors", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT consumer, tags, mode FROM consumer_selectors"
          + " WHERE namespace = ? ORDER BY consumer, tags")) {
        ps.setString(1, namespace);
        List<Selector> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new Selector(rs.getString(1), Columns.tags(rs.getString(2)), BindingMode.valueOf(rs.getString(3))));
          }
        }
        return out;
      }
    });
  }

  @Override
  public Optional<PropagationPolicy> policy(String namespace, String key) {
    return tx.read("reading a propagation policy", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT deadline_millis, quiet_period_millis,"
          + " verify_before_promote FROM propagation_policies WHERE namespace = ? AND key_name IN (?, ?)"
          + " ORDER BY CASE WHEN key_name = ? THEN 1 ELSE 0 END LIMIT 1")) {
        ps.setString(1, namespace);
        ps.setString(2, key == null ? NAMESPACE_DEFAULT : key);
        ps.setString(3, NAMESPACE_DEFAULT);
        ps.setString(4, NAMESPACE_DEFAULT);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(new PropagationPolicy(Duration.ofMillis(rs.getLong(1)),
              Duration.ofMillis(rs.getLong(2)), rs.getBoolean(3))) : Optional.empty();
        }
      }
    });
  }

  @Override
  public void putPolicy(String namespace, String key, PropagationPolicy p) {
    tx.write("storing a propagation policy", c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO propagation_policies (namespace, key_name,"
          + " deadline_millis, quiet_period_millis, verify_before_promote) VALUES (?, ?, ?, ?, ?)"
          + " ON CONFLICT (namespace, key_name) DO UPDATE SET deadline_millis = excluded.deadline_millis,"
          + " quiet_period_millis = excluded.quiet_period_millis,"
          + " verify_before_promote = excluded.verify_before_promote")) {
        ps.setString(1, namespace);
        ps.setString(2, key == null ? NAMESPACE_DEFAULT : key);
        ps.setLong(3, p.deadline().toMillis());
        ps.setLong(4, p.quietPeriod().toMillis());
        ps.setBoolean(5, p.verifyBeforePromote());
        ps.executeUpdate();
      }
      return null;
    });
  }

  private static List<Consumer> consumers(PreparedStatement ps) throws SQLException {
    List<Consumer> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        byte[] secret = rs.getBytes("hook_secret");
        out.add(new Consumer(rs.getString("namespace"), rs.getString("name"), rs.getString("kind"),
            Columns.tags(rs.getString("tags")), rs.getString("owner"), rs.getString("principal"),
            rs.getString("hook_url"), secret == null ? null : new WrappedKey(secret, rs.getString("hook_secret_root_key_id")),
            Columns.getInstant(rs, "created_at"), Columns.getInstant(rs, "updated_at")));
      }
    }
    return out;
  }


  @Override
  public Optional<Binding> findBinding(String namespace, String consumer, BindingSubject subject) {
    return bindings.findBinding(namespace, consumer, subject);
  }

  @Override
  public Optional<Binding> lockBinding(String namespace, String consumer, BindingSubject subject) {
    return bindings.findBinding(namespace, consumer, subject, true);
  }

  @Override
  public boolean insertBinding(Binding binding) {
    return bindings.insertBinding(binding);
  }

  @Override
  public void saveBinding(Binding binding) {
    bindings.saveBinding(binding);
  }

  @Override
  public boolean deleteBinding(String namespace, String consumer, BindingSubject subject) {
    return bindings.deleteBinding(namespace, consumer, subject);
  }

  @Override
  public List<Binding> bindingsOf(String namespace, String consumer) {
    return bindings.bindingsOf(namespace, consumer);
  }

  @Override
  public boolean hasBindings(String namespace, BindingSubject subject) {
    return bindings.hasBindings(namespace, subject);
  }

  @Override
  public java.util.Set<BindingSubject> bound(String namespace, java.util.Collection<BindingSubject> subjects) {
    return bindings.bound(namespace, subjects);
  }

  @Override
  public List<Binding> bindingsOfSubject(String namespace, BindingSubject subject, String afterConsumer, int limit) {
    return bindings.bindingsOfSubject(namespace, subject, afterConsumer, limit);
  }

  @Override
  public List<Binding> bindingsInState(String namespace, BindingState state, int limit) {
    return bindings.bindingsInState(namespace, state, limit);
  }

  @Override
  public List<String> consumersUsing(String namespace, BindingSubject subject, int version, Instant leftSince) {
    return bindings.consumersUsing(namespace, subject, version, leftSince);
  }

  @Override
  public int startRotation(String namespace, BindingSubject subject, int version, Instant now, Instant deadline) {
    return rotations.startRotation(namespace, subject, version, now, deadline);
  }

  @Override
  public List<Binding> dueDeadlines(Instant now, int limit) {
    return rotations.dueDeadlines(now, limit);
  }

  @Override
  public boolean markStale(Binding binding, Instant now) {
    return rotations.markStale(binding, now);
  }

  @Override
  public List<Binding> claimHooks(Instant now, Instant leaseUntil, int limit) {
    return rotations.claimHooks(now, leaseUntil, limit);
  }

  @Override
  public void hookResult(Binding binding, Binding.HookState state, int attempts, Instant nextAt, String error,
      Instant now) {
    rotations.hookResult(binding, state, attempts, nextAt, error, now);
  }

  @Override
  public void confirmUpdates(String namespace, BindingSubject subject, String consumer, int version, Instant at) {
    rotations.confirmUpdates(namespace, subject, consumer, version, at);
  }

  @Override
  public List<RotationUpdate> updates(String namespace, BindingSubject subject, int limit) {
    return rotations.updates(namespace, subject, limit);
  }
}
