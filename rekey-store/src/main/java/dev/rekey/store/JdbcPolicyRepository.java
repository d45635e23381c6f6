package dev.rekey.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rekey.api.PolicySpec;
import dev.rekey.core.port.PolicyRepository;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Rotation policies in table {@code rotation_policies}, one JSON body per scope id. */
final class JdbcPolicyRepository implements PolicyRepository {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final JdbcTransactions tx;

  JdbcPolicyRepository(JdbcTransactions tx) {
    this.tx = tx;
  }

  @Override
  public void put(PolicySpec spec, Instant at) {
    String body = write(spec);
    tx.write("storing a rotation policy", c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO rotation_policies (scope, body, updated_at)"
          + " VALUES (?, ?, ?) ON CONFLICT (scope) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at")) {
        ps.setString(1, spec.scope());
        ps.setString(2, body);
        ps.setLong(3, Columns.nanos(at));
        ps.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public Optional<PolicySpec> get(String scopeId) {
    return tx.read("reading a rotation policy", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT body FROM rotation_policies WHERE scope = ?")) {
        ps.setString(1, scopeId);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(read(rs.getString(1))) : Optional.empty();
        }
      }
    });
  }

  @Override
  public boolean delete(String scopeId) {
    return tx.write("deleting a rotation policy", c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM rotation_policies WHERE scope = ?")) {
        ps.setString(1, scopeId);
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public List<PolicySpec> all() {
    return tx.read("reading rotation policies", c -> {
      List<PolicySpec> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT body FROM rotation_policies ORDER BY scope");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(read(rs.getString(1)));
        }
      }
      return out;
    });
  }

  private static String write(PolicySpec spec) {
    try {
      return JSON.writeValueAsString(spec);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode a policy", e);
    }
  }

  private static PolicySpec read(String json) {
    try {
      return JSON.readValue(json, PolicySpec.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a stored policy is corrupt", e);
    }
  }
}
