package dev.rekey.api;

/** Whether a webhook signature verified, with which secret version, or why not. */
public record WebhookVerifyResponse(boolean valid, Integer version, String reason) {}
