package dev.rekey.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.core.RekeyException;
import dev.rekey.core.auth.TokenRecord;
import dev.rekey.core.port.TokenRepository;
import dev.rekey.core.root.FileSeal;
import dev.rekey.core.root.RootOfTrust;
import dev.rekey.core.service.TokenService;
import dev.rekey.store.Store;
import dev.rekey.store.StoreConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Initialization stores the root keyring and issues the root token together: when the token cannot
 * be stored, the server is not left initialized without any token (and, with the Shamir seal,
 * without the shares, which are shown only by a successful init), and the init can be run again.
 */
class RootInitAtomicityTest {
  @Test
  void tokenNotStored_initLeavesNothing_andCanRunAgain(@TempDir Path dir) {
    AtomicBoolean tokensFail = new AtomicBoolean(true);
    try (Store store = Store.open(StoreConfig.sqlite(dir.resolve("rekey.db")))) {
      TokenRepository tokens = new FailingTokens(store.tokens(), tokensFail);
      RootOfTrust root = new RootOfTrust(store.system(), store.transactions(), FileSeal.open(dir.resolve("seal.key")),
          Clock.systemUTC());
      RootLifecycle lifecycle = new RootLifecycle(root, new TokenService(tokens, Clock.systemUTC(), Duration.ZERO),
          null, List.of());

      assertThatThrownBy(() -> lifecycle.init(null, null)).isInstanceOf(RekeyException.class)
          .hasMessageContaining("disk full");
      assertThat(store.system().get(RootOfTrust.KEYRING_NAME)).as("keyring stored without a root token").isEmpty();
      assertThat(root.status().initialized()).isFalse();
      RootOfTrust restarted = new RootOfTrust(store.system(), store.transactions(),
          FileSeal.open(dir.resolve("seal.key")), Clock.systemUTC());
      assertThat(restarted.status().initialized()).isFalse();

      tokensFail.set(false);
      RootLifecycle.Initialized done = lifecycle.init(null, null);
      assertThat(root.status().initialized()).isTrue();
      assertThat(new TokenService(store.tokens(), Clock.systemUTC(), Duration.ZERO).authenticate(done.rootToken())
          .name()).isEqualTo("root");
    }
  }

  private record FailingTokens(TokenRepository delegate, AtomicBoolean fail) implements TokenRepository {
    @Override
    public void insert(TokenRecord token) {
      if (fail.get()) {
        throw new RekeyException(dev.rekey.api.ErrorCode.INTERNAL, "storage failure: disk full");
      }
      delegate.insert(token);
    }

    @Override
    public Optional<TokenRecord> findByHash(String hash) {
      return delegate.findByHash(hash);
    }

    @Override
    public Optional<TokenRecord> findById(String id) {
      return delegate.findById(id);
    }

    @Override
    public boolean revoke(String id, Instant at) {
      return delegate.revoke(id, at);
    }

    @Override
    public List<TokenRecord> list(String afterId, int limit) {
      return delegate.list(afterId, limit);
    }
  }
}
