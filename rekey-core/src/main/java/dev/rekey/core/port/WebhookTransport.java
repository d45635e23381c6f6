package dev.rekey.core.port;

import dev.rekey.core.webhook.DeliveryOutcome;
import java.util.Map;

/**
 * Sends one webhook request: an HTTP POST of {@code body} with {@code headers} to {@code url}.
 * Never throws for a failed attempt: a timeout, a refused connection or a non-2xx answer is an
 * outcome. The response body is read (to free the connection) but never kept.
 */
public interface WebhookTransport {
  DeliveryOutcome post(String url, Map<String, String> headers, byte[] body);
}
