package dev.rekey.core.webhook;

import dev.rekey.core.crypto.SecretBytes;
import dev.rekey.core.key.WrappedKey;
import dev.rekey.core.port.RootWrappedMaterial;
import dev.rekey.core.port.WebhookRepository;
import dev.rekey.core.root.MaterialBinding;
import dev.rekey.core.root.RootKeyring;
import java.util.List;

/** Root key rotation for webhook signing secrets: re-wraps each under the current generation. */
public final class WebhookSecretRewrap implements RootWrappedMaterial {
  private static final int BATCH = 500;

  private final WebhookRepository webhooks;

  public WebhookSecretRewrap(WebhookRepository webhooks) {
    this.webhooks = webhooks;
  }

  @Override
  public int rewrap(RootKeyring keyring) {
    int count = 0;
    while (true) {
      List<Webhook> batch = webhooks.wrappedByOtherRoot(keyring.currentId(), BATCH);
      int before = count;
      for (Webhook w : batch) {
        byte[] binding = MaterialBinding.webhookSecret(w.id());
        SecretBytes plain = keyring.unwrap(w.secret(), binding);
        try {
          WrappedKey next = keyring.wrap(plain, binding);
          if (webhooks.replaceSecret(w.id(), w.secret(), next)) {
            count++;
          }
        } finally {
          plain.destroy();
        }
      }
      if (batch.isEmpty() || count == before) {
        return count; // done, or changed concurrently: the rotation checks again before it drops anything
      }
    }
  }

  @Override
  public boolean wrappedByOther(String currentRootKeyId) {
    return !webhooks.wrappedByOtherRoot(currentRootKeyId, 1).isEmpty();
  }
}
