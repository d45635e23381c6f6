package dev.rekey.core.consumer;

import dev.rekey.core.crypto.SecretBytes;
import dev.rekey.core.key.WrappedKey;
import dev.rekey.core.port.Transactions;
import dev.rekey.core.root.LiveRootGenerations;
import dev.rekey.core.root.MaterialBinding;
import dev.rekey.core.root.RootKeyring;
import dev.rekey.core.webhook.WebhookSecret;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * New consumer hook signing secrets: generated, wrapped under the current root generation and
 * stored in a transaction that checks that generation is still stored, so a root key rotation
 * running meanwhile cannot drop it from under the new secret (see {@link LiveRootGenerations}).
 */
final class HookSecrets {
  private final Transactions transactions;
  private final Supplier<RootKeyring> keyring;
  private volatile LiveRootGenerations liveRoots = LiveRootGenerations.NONE;

  HookSecrets(Transactions transactions, Supplier<RootKeyring> keyring) {
    this.transactions = transactions;
    this.keyring = keyring;
  }

  void guard(LiveRootGenerations live) {
    this.liveRoots = live;
  }

  /**
   * Generates a secret for the hook of consumer {@code name} and stores it with {@code store}
   * (given the wrapped secret, it writes and returns the consumer as stored), inside the checked
   * transaction. Wrapped again and retried when the generation was dropped meanwhile; after a few
   * attempts CONCURRENT_MODIFICATION (409) with nothing stored. Returns the consumer with the
   * secret in its {@code whsec_} form, to show once.
   */
  ConsumerService.Registered storeNew(String namespace, String name, Function<WrappedKey, Consumer> store) {
    byte[] binding = MaterialBinding.consumerHookSecret(namespace, name);
    SecretBytes secret = WebhookSecret.generate();
    try {
      Consumer stored = LiveRootGenerations.retrying(() -> {
        WrappedKey wrapped = keyring.get().wrap(secret, binding);
        return transactions.inTransaction(() -> {
          liveRoots.requireLive(wrapped.rootKeyId());
          return store.apply(wrapped);
        });
      });
      return new ConsumerService.Registered(stored, WebhookSecret.format(secret));
    } finally {
      secret.destroy();
    }
  }
}
