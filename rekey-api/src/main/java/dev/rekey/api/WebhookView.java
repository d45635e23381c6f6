package dev.rekey.api;

import java.util.List;
import java.util.Map;

/**
 * A webhook subscription. {@code secret} ({@code whsec_...}, the Standard Webhooks signing secret)
 * is non-null only in the answers to create and rotate-secret; {@link #toString()} never prints it.
 */
public record WebhookView(
    String id,
    String url,
    List<String> eventTypes,
    String namespace,
    Map<String, String> tags,
    boolean enabled,
    String secret,
    String createdAt,
    String updatedAt) {
  @Override
  public String toString() {
    return "WebhookView[id=" + id + ", url=" + url + ", eventTypes=" + eventTypes + ", namespace=" + namespace
        + ", tags=" + tags + ", enabled=" + enabled + ", secret=" + (secret == null ? "null" : "redacted")
        + ", createdAt=" + createdAt + ", updatedAt=" + updatedAt + "]";
  }
}
