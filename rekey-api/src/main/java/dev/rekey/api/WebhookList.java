package dev.rekey.api;

import java.util.List;

/** {@code GET /v1/webhooks}: one page; {@code nextAfter} is the cursor for the next page, null at the end. */
public record WebhookList(List<WebhookView> webhooks, String nextAfter) {}
