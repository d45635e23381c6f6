package dev.rekey.store;

import static dev.rekey.store.Fixtures.simple;
import static dev.rekey.store.Fixtures.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.core.RekeyException;
import dev.rekey.core.key.Key;
import dev.rekey.store.testing.Sha256Chainer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The Transactions contract across repositories, run on every dialect. */
abstract class TransactionsContract extends StoreContract {

  @Test
  void inTransaction_workThrows_rollsBackEveryRepository() {
    assertThatThrownBy(() -> store.transactions().run(() -> {
      store.keys().insert(simple("default", "k"));
      store.tokens().insert(token("tok-1", null));
      store.system().putIfAbsent("seal", "x".getBytes(StandardCharsets.UTF_8));
      store.audit().append(AuditContract.events("a", 0, 2), new Sha256Chainer());
      throw new IllegalStateException("boom");
    })).hasMessage("boom");

    assertThat(store.keys().find("default", "k")).isEmpty();
    assertThat(store.tokens().findById("tok-1")).isEmpty();
    assertThat(store.system().get("seal")).isEmpty();
    assertThat(store.audit().head().seq()).isZero();
  }

  @Test
  void afterCommit_runsOnceTheOutermostTransactionCommits_neverOnRollback_atOnceOutsideOne() {
    java.util.List<String> ran = new java.util.concurrent.CopyOnWriteArrayList<>();
    store.transactions().run(() -> {
      store.keys().insert(simple("default", "k"));
      store.transactions().afterCommit(() -> ran.add("outer"));
      store.transactions().run(() -> store.transactions().afterCommit(() -> ran.add("nested")));
      assertThat(ran).as("not before the commit").isEmpty();
    });
    assertThat(ran).containsExactly("outer", "nested");

    ran.clear();
    assertThatThrownBy(() -> store.transactions().run(() -> {
      store.transactions().afterCommit(() -> ran.add("rolled back"));
      throw new IllegalStateException("boom");
    })).hasMessage("boom");
    store.transactions().run(() -> { });
    assertThat(ran).as("a rolled back transaction's actions never run, nor leak into the next").isEmpty();

    store.transactions().afterCommit(() -> ran.add("no transaction"));
    assertThat(ran).containsExactly("no transaction");
  }

  @Test
  void afterCommit_anActionThatFails_neitherFailsTheCommittedTransaction_norSkipsTheOthers() {
    java.util.List<String> ran = new java.util.concurrent.CopyOnWriteArrayList<>();
    String result = store.transactions().inTransaction(() -> {
      store.keys().insert(simple("default", "k"));
      store.transactions().afterCommit(() -> {
        throw new IllegalStateException("after-commit step failed");
      });
      store.transactions().afterCommit(() -> ran.add("second"));
      return "committed";
    });
    assertThat(result).as("the transaction committed: its caller must not see a failure and redo it")
        .isEqualTo("committed");
    assertThat(ran).containsExactly("second");
    assertThat(store.keys().find("default", "k")).isPresent();
  }

  @Test
  void inTransaction_returnsValue_andCommits() {
    String result = store.transactions().inTransaction(() -> {
      store.keys().insert(simple("default", "k"));
      return "done";
    });

    assertThat(result).isEqualTo("done");
    assertThat(store.keys().find("default", "k")).isPresent();
  }

  @Test
  void inTransaction_readsSeeOwnUncommittedWrites() {
    store.transactions().run(() -> {
      store.keys().insert(simple("default", "k"));
      assertThat(store.keys().find("default", "k")).isPresent();
      assertThat(store.keys().list("default", null, 10)).hasSize(1);
    });
  }

  @Test
  void inTransaction_nested_joinsOuterAndRollsBackWithIt() {
    assertThatThrownBy(() -> store.transactions().run(() -> {
      store.transactions().run(() -> store.keys().insert(simple("default", "inner")));
      throw new IllegalStateException("outer fails");
    })).hasMessage("outer fails");

    assertThat(store.keys().find("default", "inner")).isEmpty();
  }

  @Test
  void inTransaction_nestedThrowsAndIsCaught_outerCommitsTheRest() {
    store.transactions().run(() -> {
      store.keys().insert(simple("default", "kept"));
      try {
        store.transactions().run(() -> {
          store.keys().insert(simple("default", "undone"));
          throw new IllegalStateException("inner fails");
        });
      } catch (IllegalStateException expected) {
        // the inner work is undone; the outer transaction goes on
      }
    });

    assertThat(store.keys().find("default", "kept")).isPresent();
    assertThat(store.keys().find("default", "undone")).isEmpty();
  }

  @Test
  void inTransaction_innerRollbackThenMiddleRollback_undoesExactlyTheMiddleLevel() {
    store.transactions().run(() -> {
      store.keys().insert(simple("default", "outer"));
      try {
        store.transactions().run(() -> {
          store.keys().insert(simple("default", "middle-before"));
          try {
            store.transactions().run(() -> {
              store.keys().insert(simple("default", "inner"));
              throw new IllegalStateException("inner fails");
            });
          } catch (IllegalStateException expected) {
            // inner undone, middle goes on
          }
          store.keys().insert(simple("default", "middle-after"));
          throw new IllegalStateException("middle fails");
        });
      } catch (IllegalStateException expected) {
        // the whole middle level is undone, the outer transaction goes on
      }
      store.keys().insert(simple("default", "outer-after"));
    });

    assertThat(store.keys().find("default", "outer")).isPresent();
    assertThat(store.keys().find("default", "outer-after")).isPresent();
    assertThat(store.keys().find("default", "middle-before")).isEmpty();
    assertThat(store.keys().find("default", "inner")).isEmpty();
    assertThat(store.keys().find("default", "middle-after")).isEmpty();
  }

  @Test
  void inTransaction_failedRepositoryCallCaught_transactionStaysUsable() {
    Key existing = simple("default", "dup");
    store.keys().insert(existing);

    store.transactions().run(() -> {
      assertThatThrownBy(() -> store.keys().insert(simple("default", "dup"))).isInstanceOf(RekeyException.class);
      assertThatThrownBy(() -> store.keys().update(existing.withTags(Map.of()), 99))
          .isInstanceOf(RekeyException.class);
      store.keys().insert(simple("default", "after"));
    });

    assertThat(store.keys().find("default", "after")).isPresent();
    assertThat(store.keys().find("default", "dup")).contains(existing);
  }

  @Test
  void inTransaction_otherThread_doesNotJoin() {
    AtomicBoolean seenByOtherThread = new AtomicBoolean(true);
    store.transactions().run(() -> {
      store.keys().insert(simple("default", "pending"));
      Thread reader = new Thread(() -> seenByOtherThread.set(store.keys().find("default", "pending").isPresent()));
      reader.start();
      try {
        reader.join();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });

    assertThat(seenByOtherThread.get()).isFalse();

    assertThat(store.keys().find("default", "pending")).isPresent();
  }
}
