package dev.rekey.core.consumer;

import dev.rekey.core.key.Names;
import dev.rekey.core.key.WrappedKey;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A system that uses keys: a storage account, a service, a batch job. {@code principal} links it to
 * the token name it authenticates as, so Rekey can observe which key versions it uses.
 * {@code hookUrl} (optional) is called after a rotation; requests to it are signed with
 * {@code hookSecret}, a Standard Webhooks secret wrapped under the root keyring (bound with
 * {@link dev.rekey.core.root.MaterialBinding#consumerHookSecret}); shown only when generated.
 */
public record Consumer(String namespace, String name, String kind, Map<String, String> tags, String owner,
    String principal, String hookUrl, WrappedKey hookSecret, Instant createdAt, Instant updatedAt) {

  public Consumer {
    Names.namespace(namespace);
    Names.keyName(name);
    Objects.requireNonNull(kind, "kind");
    tags = Names.tags(tags);
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    if ((hookUrl == null) != (hookSecret == null)) {
      throw new IllegalArgumentException("a hook URL and its secret come together");
    }
  }

  public Consumer withDetails(String kind, Map<String, String> tags, String owner, String principal, Instant now) {
    return new Consumer(namespace, name, kind, tags, owner, principal, hookUrl, hookSecret, createdAt, now);
  }

  public Consumer withHook(String url, WrappedKey secret, Instant now) {
    return new Consumer(namespace, name, kind, tags, owner, principal, url, secret, createdAt, now);
  }
}
