package dev.rekey.core.port;

import dev.rekey.core.dek.StoredDek;
import java.util.List;
import java.util.Optional;

/**
 * Storage of server-held tenant data keys: one row per DEK version, identified by namespace, KEK
 * name, tenant and version. Rows are only ever added, and changed only by re-wrapping, which is
 * conditional on {@link StoredDek#rowVersion()} so no writer loses another's change.
 */
public interface DekRepository {

  /** Stores a new DEK version. Throws ALREADY_EXISTS when that tenant already has that version. */
  StoredDek insert(StoredDek dek);

  Optional<StoredDek> find(String namespace, String kek, String tenant, int version);

  /** The tenant's highest version (its primary), if it has any. */
  Optional<StoredDek> latest(String namespace, String kek, String tenant);

  /** All versions of the tenant's DEK, oldest first. */
  List<StoredDek> versions(String namespace, String kek, String tenant);

  /** The latest version of each tenant's DEK under {@code kek}, by tenant, after {@code afterTenant}. */
  List<StoredDek> list(String namespace, String kek, String afterTenant, int limit);

  /**
   * Keyset page for re-wrapping: rows of the KEK wrapped by {@code kekVersion} with id above
   * {@code afterId} (and, when {@code campaign} is not null, last re-wrapped by that campaign),
   * in id order, at most {@code limit}.
   */
  List<StoredDek> page(String namespace, String kek, int kekVersion, Long campaign, long afterId, int limit);

  /**
   * Applies re-wrapped values to rows of KEK {@code namespace/kek} wrapped by {@code fromKekVersion}.
   * Each row is updated only while it is still wrapped by that version with the expected row
   * version; it then names {@code kekVersion}, its row version grows by one and
   * {@code rewrapCampaign} is set to {@code campaign} (null clears it). The per-version counts
   * behind {@link #countWrapped} move in the same transaction. Returns how many rows were updated.
   */
  int rewrap(String namespace, String kek, int fromKekVersion, List<Rewrapped> rows, int kekVersion, Long campaign);

  /** Number of stored DEK versions of the KEK wrapped by versions from {@code from} to {@code toExclusive}. */
  long countWrapped(String namespace, String kek, int from, int toExclusive);

  /**
   * The next (namespace, KEK, KEK version) in use after {@code after} (null for the first), in
   * that order: one probe of the per-version counts, however many rows there are.
   */
  Optional<KekVersionRef> nextKekVersion(KekVersionRef after);

  /** A re-wrapped row: new wrapped bytes for the row whose version is still {@code expectedRowVersion}. */
  record Rewrapped(long id, long expectedRowVersion, byte[] wrapped) {
    @Override
    public String toString() {
      return "Rewrapped[row " + id + "]";
    }
  }

  /** A KEK version some stored DEK is wrapped by. */
  record KekVersionRef(String namespace, String kek, int kekVersion) {}
}
