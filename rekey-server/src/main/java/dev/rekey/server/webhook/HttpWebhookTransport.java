package dev.rekey.server.webhook;

import dev.rekey.core.port.WebhookTransport;
import dev.rekey.core.webhook.DeliveryOutcome;
import dev.rekey.server.net.OutboundPolicy;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Webhook requests over the JDK {@link HttpClient}: a connect timeout and a whole-request
 * timeout, no redirects (a 3xx is a failure), the response body discarded unread, and no
 * connection to an address the {@link OutboundPolicy} denies. The client runs
 * on its own small daemon executor; {@link #close()} stops it.
 */
public final class HttpWebhookTransport implements WebhookTransport, AutoCloseable {
  private final HttpClient client;
  private final ExecutorService executor;
  private final Duration timeout;
  private final OutboundPolicy outbound;

  /** {@code outbound}: addresses it refuses to connect to (the server's {@code outbound_deny}). */
  public HttpWebhookTransport(Duration timeout, OutboundPolicy outbound) {
    this.timeout = timeout;
    this.outbound = outbound;
    AtomicInteger n = new AtomicInteger();
    this.executor = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "rekey-webhook-http-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    // HTTP/1.1: no h2c upgrade dance on plain http, which some receivers mishandle
    this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .executor(executor).build();
  }

  @Override
  public DeliveryOutcome post(String url, Map<String, String> headers, byte[] body) {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      return DeliveryOutcome.failed("unusable URL");
    }
    String refused = outbound.refusal(uri.getHost());
    if (refused != null) {
      return DeliveryOutcome.failed(refused);
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(request::header);
    try {
      HttpResponse<Void> response = client.send(request.build(), HttpResponse.BodyHandlers.discarding());
      return DeliveryOutcome.answered(response.statusCode());
    } catch (HttpTimeoutException e) {
      return DeliveryOutcome.failed("timed out after " + timeout.toMillis() + " ms");
    } catch (ConnectException e) {
      return DeliveryOutcome.failed("connection failed");
    } catch (IOException e) {
      return DeliveryOutcome.failed("I/O error: " + e.getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return DeliveryOutcome.failed("interrupted");
    } catch (IllegalArgumentException e) {
      return DeliveryOutcome.failed("unusable URL");
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
