package dev.rekey.api;

import java.util.List;
import java.util.Map;

/**
 * A consumer with its bindings and selectors. {@code hookSecret} ({@code whsec_...}) is non-null only
 * in the answer that generated it; {@link #toString()} never prints it.
 */
public record ConsumerView(String namespace, String name, String kind, Map<String, String> tags, String owner,
    String principal, String hookUrl, String hookSecret, List<BindingView> bindings, List<Map<String, String>> selectors,
    String createdAt, String updatedAt) {
  @Override
  public String toString() {
    return "ConsumerView[namespace=" + namespace + ", name=" + name + ", kind=" + kind + ", hookUrl=" + hookUrl
        + ", hookSecret=" + (hookSecret == null ? "null" : "redacted") + "]";
  }
}
