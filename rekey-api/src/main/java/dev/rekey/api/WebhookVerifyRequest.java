package dev.rekey.api;

/**
 * {@code POST /v1/secrets/{name}/verify-webhook}: an incoming Standard Webhooks message, its
 * {@code webhook-id}, {@code webhook-timestamp} and {@code webhook-signature} headers, and its body
 * as text ({@code body}) or bytes ({@code bodyBase64}).
 */
public record WebhookVerifyRequest(String id, Long timestamp, String signature, String body, String bodyBase64) {}
