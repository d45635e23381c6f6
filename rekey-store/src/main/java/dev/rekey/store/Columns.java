package dev.rekey.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rekey.core.RekeyException;
import dev.rekey.core.auth.Grant;
import dev.rekey.core.auth.Role;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Column encodings shared by both dialects. Instants are stored as nanoseconds since the epoch
 * (exact round trip; representable from 1677 to 2262, anything else is refused before writing).
 * Tags are a JSON object with sorted names; grants a JSON array of {role, namespace, key}.
 */
final class Columns {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, String>> TAGS = new TypeReference<>() {};
  private static final TypeReference<List<String>> NAMES = new TypeReference<>() {};
  private static final TypeReference<List<Map<String, String>>> GRANTS = new TypeReference<>() {};

  private Columns() {}

  static long nanos(Instant t) {
    try {
      return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
    } catch (ArithmeticException e) {
      throw RekeyException.invalid("time " + t + " is outside the storable range (years 1678 to 2261)");
    }
  }

  static Instant instant(long nanos) {
    return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
  }

  static void setInstant(PreparedStatement ps, int index, Instant t) throws SQLException {
    if (t == null) {
      ps.setNull(index, Types.BIGINT);
    } else {
      ps.setLong(index, nanos(t));
    }
  }

  static Instant getInstant(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : instant(v);
  }

  static void setNullableString(PreparedStatement ps, int index, String s) throws SQLException {
    if (s == null) {
      ps.setNull(index, Types.VARCHAR);
    } else {
      ps.setString(index, s);
    }
  }

  static String tags(Map<String, String> tags) {
    return write(new TreeMap<>(tags));
  }

  static Map<String, String> tags(String json) {
    return read(json, TAGS);
  }

  static String grants(List<Grant> grants) {
    List<Map<String, String>> out = new ArrayList<>(grants.size());
    for (Grant g : grants) {
      out.add(Map.of("role", g.role().wireName(), "namespace", g.namespacePattern(), "key", g.keyPattern()));
    }
    return write(out);
  }

  static List<Grant> grants(String json) {
    List<Grant> out = new ArrayList<>();
    for (Map<String, String> g : read(json, GRANTS)) {
      out.add(new Grant(Role.fromWire(g.get("role")), g.get("namespace"), g.get("key")));
    }
    return out;
  }

  /** A list of names (approvers, say) as a JSON array. */
  static String names(List<String> names) {
    return write(names);
  }

  static List<String> names(String json) {
    return read(json, NAMES);
  }

  private static String write(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode a JSON column", e);
    }
  }

  private static <T> T read(String json, TypeReference<T> type) {
    try {
      return JSON.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a stored JSON column is corrupt", e);
    }
  }
}
