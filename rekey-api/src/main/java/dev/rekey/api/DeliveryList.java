package dev.rekey.api;

import java.util.List;

/** {@code GET /v1/webhooks/{id}/deliveries}: newest first; {@code nextBefore} pages on, null at the end. */
public record DeliveryList(List<DeliveryView> deliveries, String nextBefore) {}
