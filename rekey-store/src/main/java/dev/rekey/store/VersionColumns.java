package dev.rekey.store;

import dev.rekey.core.key.KeyVersion;
import dev.rekey.core.key.VersionState;
import dev.rekey.core.key.WrappedKey;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;

/**
 * The lifecycle columns every version table shares (key versions, secret versions): number,
 * state, material, root_key_id, created_at (read as {@code v_created_at}), state_changed_at,
 * revoked_at, destroy_after.
 */
final class VersionColumns {
  /** Column names in binding order. */
  static final String NAMES = "number, state, material, root_key_id, created_at, state_changed_at, revoked_at,"
      + " destroy_after";
  static final String UPDATE_FROM_EXCLUDED = "state = excluded.state, material = excluded.material,"
      + " root_key_id = excluded.root_key_id, created_at = excluded.created_at,"
      + " state_changed_at = excluded.state_changed_at, revoked_at = excluded.revoked_at,"
      + " destroy_after = excluded.destroy_after";
  static final int COUNT = 8;

  private VersionColumns() {}

  /** Binds the columns of {@link #NAMES} from parameter {@code first} on. */
  static void bind(PreparedStatement ps, int first, KeyVersion v) throws SQLException {
    ps.setInt(first, v.number());
    ps.setString(first + 1, v.state().name());
    if (v.material() == null) {
      ps.setNull(first + 2, Types.BINARY);
      ps.setNull(first + 3, Types.VARCHAR);
    } else {
      ps.setBytes(first + 2, v.material().ciphertext());
      ps.setString(first + 3, v.material().rootKeyId());
    }
    Columns.setInstant(ps, first + 4, v.createdAt());
    Columns.setInstant(ps, first + 5, v.stateChangedAt());
    Columns.setInstant(ps, first + 6, v.revokedAt());
    Columns.setInstant(ps, first + 7, v.destroyAfter());
  }

  /** Reads a version; the creation time is selected as {@code v_created_at}. */
  static KeyVersion read(ResultSet rs) throws SQLException {
    byte[] material = rs.getBytes("material");
    String root = rs.getString("root_key_id");
    return new KeyVersion(rs.getInt("number"), VersionState.valueOf(rs.getString("state")),
        material == null ? null : new WrappedKey(material, root), Columns.getInstant(rs, "v_created_at"),
        Columns.getInstant(rs, "state_changed_at"), Columns.getInstant(rs, "revoked_at"),
        Columns.getInstant(rs, "destroy_after"));
  }

  /** Checks every time of a version fits the storable range before anything is written. */
  static void checkTimes(KeyVersion v) {
    Columns.nanos(v.createdAt());
    Columns.nanos(v.stateChangedAt());
    if (v.revokedAt() != null) {
      Columns.nanos(v.revokedAt());
    }
    if (v.destroyAfter() != null) {
      Columns.nanos(v.destroyAfter());
    }
  }
}
