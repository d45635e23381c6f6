package dev.rekey.store;

import static dev.rekey.store.Fixtures.event;
import static dev.rekey.store.Fixtures.t;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.audit.AuditChainer;
import dev.rekey.core.audit.AuditCheckpoint;
import dev.rekey.core.audit.AuditEvent;
import dev.rekey.core.audit.AuditRecord;
import dev.rekey.core.audit.ChainHead;
import dev.rekey.store.testing.Sha256Chainer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The AuditRepository contract, run on every dialect. */
abstract class AuditContract extends StoreContract {
  private final AuditChainer chainer = new Sha256Chainer();

  @Test
  void append_emptyChain_startsAtSeqOneFromGenesis() {
    List<AuditRecord> records = store.audit().append(events("key.create", 0, 3), chainer);

    assertThat(records).extracting(AuditRecord::seq).containsExactly(1L, 2L, 3L);
    assertThat(records.get(0).prevHash()).isEqualTo(ChainHead.GENESIS_HASH);
    assertThat(store.audit().head()).isEqualTo(new ChainHead(3, records.get(2).hash()));
    assertThat(store.audit().read(1, 10)).isEqualTo(records);
  }

  @Test
  void append_secondBatch_continuesChain() {
    List<AuditRecord> first = store.audit().append(events("a", 0, 2), chainer);
    List<AuditRecord> second = store.audit().append(events("b", 2, 2), chainer);

    assertThat(second.get(0).seq()).isEqualTo(3);
    assertThat(second.get(0).prevHash()).isEqualTo(first.get(1).hash());
    assertThatChainIsIntact(store, 4);
  }

  @Test
  void append_noEvents_writesNothing() {
    assertThat(store.audit().append(List.of(), chainer)).isEmpty();
    assertThat(store.audit().head()).isEqualTo(ChainHead.EMPTY);
  }

  @Test
  void append_eventWithNullFields_roundTrips() {
    AuditEvent sparse = new AuditEvent(t(1), null, null, null, "system.seal", null, null, 0, "denied", "forbidden",
        null, null);

    store.audit().append(List.of(sparse), chainer);

    assertThat(store.audit().read(1, 1).get(0).event()).isEqualTo(sparse);
  }

  @Test
  void append_eightConcurrentThreads_giveContiguousUnforkedChain() throws Exception {
    appendConcurrently(List.of(store), 8, 40, 25);

    assertThatChainIsIntact(store, 8 * 40 * 25);
  }

  @Test
  void append_twoStoresOnSameDatabase_giveOneUnforkedChain() throws Exception {
    Store otherNode = open(config);

    appendConcurrently(List.of(store, otherNode), 8, 20, 30);

    assertThatChainIsIntact(store, 8 * 20 * 30);
    assertThat(otherNode.audit().head()).isEqualTo(store.audit().head());
  }

  @Test
  void append_chainerBreaksChain_throwsAndWritesNothing() {
    store.audit().append(events("a", 0, 2), chainer);
    ChainHead before = store.audit().head();
    AuditChainer forking = (head, events) -> chainer.chain(ChainHead.EMPTY, events);
    AuditChainer dropping = (head, events) -> chainer.chain(head, events.subList(0, 1));

    for (AuditChainer bad : List.of(forking, dropping)) {
      assertThatThrownBy(() -> store.audit().append(events("x", 5, 3), bad)).isInstanceOf(IllegalStateException.class);
    }
    assertThat(store.audit().head()).isEqualTo(before);
    assertThat(store.audit().read(0, 100)).hasSize(2);
  }

  @Test
  void append_chainerThrows_writesNothingAndNextAppendContinues() {
    store.audit().append(events("a", 0, 1), chainer);

    assertThatThrownBy(() -> store.audit().append(events("x", 1, 2), (h, e) -> {
      throw new IllegalStateException("signer down");
    })).hasMessage("signer down");
    store.audit().append(events("b", 3, 1), chainer);

    assertThatChainIsIntact(store, 2);
  }

  @Test
  void append_insideFailedTransaction_isRolledBack() {
    store.audit().append(events("a", 0, 1), chainer);

    assertThatThrownBy(() -> store.transactions().run(() -> {
      store.audit().append(events("b", 1, 3), chainer);
      throw new IllegalStateException("request failed");
    })).hasMessage("request failed");

    assertThat(store.audit().head().seq()).isEqualTo(1);
    assertThat(store.audit().read(0, 10)).hasSize(1);
  }

  @Test
  void read_fromSeqWithLimit_returnsThatWindow() {
    store.audit().append(events("a", 0, 10), chainer);

    assertThat(store.audit().read(4, 3)).extracting(AuditRecord::seq).containsExactly(4L, 5L, 6L);
    assertThat(store.audit().read(9, 100)).extracting(AuditRecord::seq).containsExactly(9L, 10L);
    assertThat(store.audit().read(11, 100)).isEmpty();
    assertThat(store.audit().read(1, 0)).isEmpty();
  }

  @Test
  void read_windowAcrossSeveralGroupCommits_returnsExactlyThatWindow() {
    for (int b = 0; b < 5; b++) {
      store.audit().append(events("a", b * 4, 4), chainer);
    }

    assertThat(store.audit().read(3, 7)).extracting(AuditRecord::seq).containsExactly(3L, 4L, 5L, 6L, 7L, 8L, 9L);
    assertThat(store.audit().read(6, 2)).extracting(AuditRecord::seq).containsExactly(6L, 7L);
    assertThat(store.audit().read(17, 10)).extracting(AuditRecord::seq).containsExactly(17L, 18L, 19L, 20L);
    assertThatChainIsIntact(store, 20);
  }

  /** Databases created before V16 hold one row per record; the chain continues after them in blocks. */
  @Test
  void read_legacyRowsThenBlocks_giveOneChain() {
    List<AuditRecord> legacy = chainer.chain(ChainHead.EMPTY, events("old", 0, 3));
    ((JdbcTransactions) store.transactions()).write("inserting legacy audit rows", c -> {
      try (var ps = c.prepareStatement("INSERT INTO audit_records (seq, event_time, request_id, principal, token_id,"
          + " action, namespace, key_name, key_version, outcome, error_code, client_address, details, prev_hash, hash)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        for (AuditRecord r : legacy) {
          AuditEvent e = r.event();
          ps.setLong(1, r.seq());
          ps.setLong(2, Columns.nanos(e.time()));
          ps.setString(3, e.requestId());
          ps.setString(4, e.principal());
          ps.setString(5, e.tokenId());
          ps.setString(6, e.action());
          ps.setString(7, e.namespace());
          ps.setString(8, e.keyName());
          ps.setInt(9, e.version());
          ps.setString(10, e.outcome());
          ps.setString(11, e.errorCode());
          ps.setString(12, e.clientAddress());
          ps.setString(13, e.details());
          ps.setString(14, r.prevHash());
          ps.setString(15, r.hash());
          ps.executeUpdate();
        }
      }
      try (var ps = c.prepareStatement("UPDATE audit_head SET seq = 3, hash = ? WHERE id = 1")) {
        ps.setString(1, legacy.get(2).hash());
        ps.executeUpdate();
      }
      return null;
    });

    store.audit().append(events("new", 0, 4), chainer);

    assertThat(store.audit().read(2, 3)).extracting(r -> r.event().action()).containsExactly("old", "old", "new");
    assertThatChainIsIntact(store, 7);
  }

  /** A NUL (from a request path, say) is normalized away: PostgreSQL cannot store it, and it must not fail a batch. */
  @Test
  void append_controlCharactersInText_areStoredReplaced_andTheBatchCommits() {
    AuditEvent bystander = events("key.encrypt", 0, 1).get(0);
    AuditEvent hostile = new AuditEvent(bystander.time(), "req-\u0000", null, null, "key.encrypt", "default",
        "\u0000\n", 0, "denied", "unauthenticated", "10.0.0.1", null);

    // as the audit log does: events are normalized before they are handed to the store
    store.audit().append(List.of(dev.rekey.core.audit.AuditChain.normalize(bystander),
        dev.rekey.core.audit.AuditChain.normalize(hostile)), dev.rekey.core.audit.AuditChain.INSTANCE);

    List<AuditRecord> stored = store.audit().read(1, 10);
    assertThat(stored).hasSize(2);
    assertThat(stored.get(1).event().keyName()).isEqualTo("\uFFFD\uFFFD");
    assertThat(stored.get(1).event().requestId()).isEqualTo("req-\uFFFD");
    assertThat(dev.rekey.core.audit.AuditChain.recompute(stored.get(1))).isEqualTo(stored.get(1).hash());
  }

  @Test
  void checkpoints_inserted_returnInSeqOrder() {
    AuditCheckpoint late = new AuditCheckpoint(20, "h20", t(2), "audit-key-1", "c2ln");
    AuditCheckpoint early = new AuditCheckpoint(10, "h10", t(1), "audit-key-1", "c2lnMQ==");

    store.audit().insertCheckpoint(late);
    store.audit().insertCheckpoint(early);

    assertThat(store.audit().checkpoints()).containsExactly(early, late);
  }

  @Test
  void checkpoint_bySeq_isTheStoredOneOrEmpty() {
    AuditCheckpoint stored = new AuditCheckpoint(10, "h10", t(1).plusNanos(123_000), "audit-key-1", "c2lnMQ==");
    store.audit().insertCheckpoint(new AuditCheckpoint(20, "h20", t(2), "audit-key-1", "c2ln"));
    store.audit().insertCheckpoint(stored);

    assertThat(store.audit().checkpoint(10)).contains(stored);
    assertThat(store.audit().checkpoint(11)).isEmpty();
  }

  @Test
  void insertCheckpoint_sameSeq_throwsAlreadyExists() {
    store.audit().insertCheckpoint(new AuditCheckpoint(10, "h", t(1), "k", "s"));

    assertThatThrownBy(() -> store.audit().insertCheckpoint(new AuditCheckpoint(10, "other", t(2), "k", "s")))
        .isInstanceOfSatisfying(RekeyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ALREADY_EXISTS));
    assertThat(store.audit().checkpoints()).extracting(AuditCheckpoint::hash).containsExactly("h");
  }

  /** threads × batches appends of batchSize events, spread round-robin over the stores. */
  private void appendConcurrently(List<Store> stores, int threads, int batches, int batchSize) throws Exception {
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        Store target = stores.get(i % stores.size());
        int thread = i;
        done.add(pool.submit(() -> {
          start.await();
          for (int b = 0; b < batches; b++) {
            target.audit().append(events("t" + thread, b * batchSize, batchSize), chainer);
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  static void assertThatChainIsIntact(Store store, int expectedCount) {
    List<AuditRecord> all = store.audit().read(0, expectedCount + 10);
    assertThat(all).hasSize(expectedCount);
    String prev = ChainHead.GENESIS_HASH;
    for (int i = 0; i < all.size(); i++) {
      AuditRecord r = all.get(i);
      assertThat(r.seq()).as("seq at %d", i).isEqualTo(i + 1L);
      assertThat(r.prevHash()).as("prevHash of seq %d", r.seq()).isEqualTo(prev);
      assertThat(r.hash()).as("hash of seq %d", r.seq()).isEqualTo(Sha256Chainer.hash(prev, r.seq(), r.event()));
      prev = r.hash();
    }
    assertThat(store.audit().head()).isEqualTo(new ChainHead(expectedCount, prev));
  }

  static List<AuditEvent> events(String action, int from, int count) {
    List<AuditEvent> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(event(action, from + i));
    }
    return out;
  }
}
