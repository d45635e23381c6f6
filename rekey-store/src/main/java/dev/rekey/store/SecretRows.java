package dev.rekey.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rekey.core.secret.Secret;
import dev.rekey.core.secret.SecretVersion;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Secrets as {@link JdbcSecretRepository}'s queries return them: one row per version, a secret's
 * rows together and in version order; and the custom labels' JSON column.
 */
final class SecretRows {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<TreeMap<String, Integer>> LABELS = new TypeReference<>() {};

  private SecretRows() {}

  /** The secrets of a query's rows, in the order of their first rows. */
  static List<Secret> read(PreparedStatement ps) throws SQLException {
    List<Secret> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      long currentId = Long.MIN_VALUE;
      Row row = null;
      while (rs.next()) {
        long id = rs.getLong("id");
        if (row == null || id != currentId) {
          if (row != null) {
            out.add(row.toSecret());
          }
          currentId = id;
          row = new Row(rs);
        }
        row.versions.add(new SecretVersion(VersionColumns.read(rs), Columns.getInstant(rs, "expires_at")));
      }
      if (row != null) {
        out.add(row.toSecret());
      }
    }
    return out;
  }

  private static final class Row {
    final String namespace;
    final String name;
    final String tags;
    final String labels;
    final long createdAt;
    final long revision;
    final List<SecretVersion> versions = new ArrayList<>();

    Row(ResultSet rs) throws SQLException {
      namespace = rs.getString("namespace");
      name = rs.getString("name");
      tags = rs.getString("tags");
      labels = rs.getString("labels");
      createdAt = rs.getLong("created_at");
      revision = rs.getLong("revision");
    }

    Secret toSecret() {
      return new Secret(namespace, name, Columns.tags(tags), versions, readLabels(labels), Columns.instant(createdAt),
          revision);
    }
  }

  static String labels(Map<String, Integer> labels) {
    try {
      return JSON.writeValueAsString(new TreeMap<>(labels));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode labels", e);
    }
  }

  private static Map<String, Integer> readLabels(String json) {
    try {
      return JSON.readValue(json, LABELS);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored secret labels are corrupt", e);
    }
  }
}
