package dev.rekey.core.consumer;

import dev.rekey.core.crypto.SecretBytes;
import dev.rekey.core.key.WrappedKey;
import dev.rekey.core.port.ConsumerRepository;
import dev.rekey.core.port.RootWrappedMaterial;
import dev.rekey.core.root.MaterialBinding;
import dev.rekey.core.root.RootKeyring;
import java.util.List;

/** Root key rotation for consumer hook secrets: re-wraps each under the current generation. */
public final class ConsumerHookSecretRewrap implements RootWrappedMaterial {
  private static final int BATCH = 500;

  private final ConsumerRepository consumers;

  public ConsumerHookSecretRewrap(ConsumerRepository consumers) {
    this.consumers = consumers;
  }

  @Override
  public int rewrap(RootKeyring keyring) {
    int count = 0;
    while (true) {
      List<Consumer> batch = consumers.hookSecretsWrappedByOtherRoot(keyring.currentId(), BATCH);
      int before = count;
      for (Consumer c : batch) {
        byte[] binding = MaterialBinding.consumerHookSecret(c.namespace(), c.name());
        SecretBytes plain = keyring.unwrap(c.hookSecret(), binding);
        try {
          WrappedKey next = keyring.wrap(plain, binding);
          if (consumers.replaceHookSecret(c.namespace(), c.name(), c.hookSecret(), next)) {
            count++;
          }
        } finally {
          plain.destroy();
        }
      }
      if (batch.isEmpty() || count == before) {
        return count;
      }
    }
  }

  @Override
  public boolean wrappedByOther(String currentRootKeyId) {
    return !consumers.hookSecretsWrappedByOtherRoot(currentRootKeyId, 1).isEmpty();
  }
}
