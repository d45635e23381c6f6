package dev.rekey.api;

import java.util.List;
import java.util.Map;

/**
 * {@code POST /v1/webhooks}. {@code eventTypes}: short names such as {@code KeyNewVersionCreated}
 * (empty or null: every type); {@code namespace}: only events of that namespace (null: all);
 * {@code tags}: only events whose key has every one of these tags.
 */
public record WebhookCreateRequest(String url, List<String> eventTypes, String namespace, Map<String, String> tags) {}
