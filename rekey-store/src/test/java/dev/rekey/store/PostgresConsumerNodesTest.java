package dev.rekey.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rekey.core.consumer.Binding;
import dev.rekey.core.consumer.BindingMode;
import dev.rekey.core.consumer.BindingOrigin;
import dev.rekey.core.consumer.BindingState;
import dev.rekey.core.consumer.ConsumerPropagation;
import dev.rekey.core.port.ConsumerRepository;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Consumer bindings written by two nodes at once: an observed use applied on one node while
 * another node propagates a new rotation of the same key must not undo that rotation.
 */
class PostgresConsumerNodesTest extends StoreContract {
  private static final Instant T = Instant.parse("2026-05-01T10:00:00Z");

  @Override
  protected StoreConfig newDatabase(Path tempDir) {
    return Backends.postgres();
  }

  @Test
  void anObservedUseAppliedWhileAnotherNodePropagatesARotation_keepsTheRotation() throws Exception {
    ConsumerRepository repo = store.consumers();
    repo.insert(ConsumerStoreContract.consumer("billing", "svc-billing", true));
    repo.insertBinding(Binding.create("default", "billing", "orders", BindingOrigin.EXPLICIT, BindingMode.LATEST, 1, T));
    repo.startRotation("default", "orders", 2, T, T.plus(Duration.ofHours(1)));

    Store other = open(config);
    ConsumerPropagation onB = new ConsumerPropagation(other.consumers(), other.transactions(), other.events(),
        Clock.fixed(T.plusSeconds(20), ZoneOffset.UTC));
    ExecutorService nodeB = Executors.newSingleThreadExecutor();
    AtomicReference<Future<Integer>> rotationOnB = new AtomicReference<>();
    // Node A has read the binding for the observation; node B now propagates the rotation to version 3.
    ConsumerRepository onA = afterBindingRead(repo, () -> {
      if (rotationOnB.get() == null) {
        rotationOnB.set(nodeB.submit(() -> onB.propagate(new ConsumerPropagation.Rotation("default", "orders", 3,
            Map.of()), T.plusSeconds(20))));
        try {
          rotationOnB.get().get(2, TimeUnit.SECONDS); // done, or waiting for node A's transaction
        } catch (TimeoutException waiting) {
          // node B waits for the binding node A holds: A goes on and commits first
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
    });
    try {
      ConsumerPropagation a = new ConsumerPropagation(onA, store.transactions(), store.events(),
          Clock.fixed(T.plusSeconds(10), ZoneOffset.UTC));
      a.observe(List.of(new ConsumerPropagation.Observation("default", "svc-billing", "orders", 2, T.plusSeconds(10))));
      assertThat(rotationOnB.get().get(30, TimeUnit.SECONDS)).as("bindings node B moved").isEqualTo(1);
    } finally {
      nodeB.shutdownNow();
    }

    Binding b = repo.findBinding("default", "billing", "orders").orElseThrow();
    assertThat(b.version()).as("the observed use is kept").isEqualTo(2);
    assertThat(b.targetVersion()).as("and so is the rotation to version 3").isEqualTo(3);
    assertThat(b.state()).isEqualTo(BindingState.PENDING_UPDATE);
    assertThat(b.deadline()).isNotNull();
    assertThat(b.hookState()).as("the consumer is still to be told about version 3").isEqualTo(Binding.HookState.PENDING);
  }

  /** {@code repo}, running {@code hook} after each read of a binding (the first step of a read-modify-write). */
  private static ConsumerRepository afterBindingRead(ConsumerRepository repo, Runnable hook) {
    return (ConsumerRepository) Proxy.newProxyInstance(ConsumerRepository.class.getClassLoader(),
        new Class<?>[] {ConsumerRepository.class}, (proxy, method, args) -> {
          Object result;
          try {
            result = method.invoke(repo, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
          if (method.getName().equals("findBinding") || method.getName().equals("lockBinding")) {
            hook.run();
          }
          return result;
        });
  }
}
