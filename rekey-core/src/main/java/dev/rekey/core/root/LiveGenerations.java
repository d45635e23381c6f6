package dev.rekey.core.root;

import dev.rekey.core.RekeyException;
import dev.rekey.core.port.SystemRepository;
import dev.rekey.core.port.Transactions;
import java.util.Arrays;
import java.util.Set;

/**
 * The root key generations a node lets writes store material under, and the check of them that
 * {@link RootOfTrust#requireLive} makes inside each write's transaction, before it commits: it
 * refuses the write (CONCURRENT_MODIFICATION, nothing of the write is stored once its transaction
 * rolls back) when the stored keyring no longer holds the write's generation, and keeps the
 * generation from being dropped until the transaction ends. A dropped generation is one the
 * rotation re-wrapped everything away from: material under it could never be opened again.
 *
 * <p>Several writers (PostgreSQL): reads the stored keyring with a shared lock. A drop takes it
 * exclusively ({@link RootKeyRotator#dropOldGenerations}), so either the write commits first and
 * the drop, looking afterwards, finds its material and does not drop; or the drop commits first and
 * this read returns the keyring without the generation. One writer (SQLite): no query. The write
 * runs under the process's only write lock, and only this node changes the stored keyring (the file
 * has one server); the generations held in memory are never more than the stored ones, because a
 * drop narrows them inside its own write transaction, before it commits. So the check in memory,
 * made under the write lock, is the check of the stored keyring, and costs a put nothing.
 *
 * <p>{@link #set} and {@link #narrow} are called under the {@link RootOfTrust} monitor.
 */
final class LiveGenerations {
  /** The generations writes may store material under, from the stored keyring {@code bytes}. */
  record Live(byte[] bytes, Set<String> ids) {
    @Override
    public String toString() {
      return "Live" + ids;
    }
  }

  private final SystemRepository system;
  private final Transactions transactions;
  /** Null until a keyring was opened; set before the node's keyring, narrowed by a drop before it commits. */
  private volatile Live live;

  LiveGenerations(SystemRepository system, Transactions transactions) {
    this.system = system;
    this.transactions = transactions;
  }

  Live current() {
    return live;
  }

  /** The node opened the keyring stored as {@code bytes}, with generations {@code ids}. */
  void set(byte[] bytes, java.util.Collection<String> ids) {
    live = new Live(bytes, Set.copyOf(ids));
  }

  /** A drop is about to commit: only {@code currentId} is left ({@code recordBytes}: the node's stored keyring). */
  void narrow(byte[] recordBytes, String currentId) {
    Live l = live;
    live = new Live(l == null ? recordBytes : l.bytes(), Set.of(currentId));
  }

  /** {@link RootOfTrust#requireLive} of {@code root}, whose generations these are. */
  void require(RootOfTrust root, String rootKeyId) {
    Live l = live;
    if (!transactions.writersSerialized()) {
      byte[] stored = system.getShared(RootOfTrust.KEYRING_NAME).orElseThrow(RootOfTrust::notInitialized);
      if (l == null || !Arrays.equals(stored, l.bytes())) {
        l = root.adopt(stored); // another node rotated: open what is stored (as refresh() would)
      }
    } else if (l == null) {
      root.keyring(); // SEALED or NOT_INITIALIZED: nothing was wrapped by this node
      l = live;
    }
    if (!l.ids().contains(rootKeyId)) {
      throw RekeyException.concurrentModification("the root key was rotated while this write was under way and the"
          + " generation it was wrapped under is gone; nothing was stored, retry");
    }
  }
}
