package dev.rekey.server.webhook;

import dev.rekey.core.port.WebhookTransport;
import dev.rekey.core.webhook.DeliveryOutcome;
import dev.rekey.server.net.LookupTimeoutException;
import dev.rekey.server.net.OutboundPolicy;
import dev.rekey.server.net.OutboundRefusedException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.TrustOptions;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Webhook requests over a Vert.x HTTP client of its own: HTTP/1.1, a connect timeout and a
 * whole-request timeout, no redirects (a 3xx is a failure), the response body discarded unread.
 *
 * <p>The URL's host is looked up once, by the {@link OutboundPolicy}, which refuses it when any of
 * its addresses is denied; the connection then goes to the addresses it checked, in order (the
 * next when one does not accept a connection, as curl does), and the name is not looked up again,
 * so a DNS answer that changes in between (DNS rebinding) cannot reach a denied address. The Host
 * header, the TLS server name (SNI) and the certificate's host name check still use the URL's
 * host. The lookup waits at most the timeout; the request, its connection attempts included, then
 * waits at most the timeout too.
 * {@link #close()} stops the client and its event loop.
 */
public final class HttpWebhookTransport implements WebhookTransport, AutoCloseable {
  /** At most one connection per sender and receiver: {@link WebhookSettings} allows up to 64 senders. */
  private static final int CONNECTIONS_PER_RECEIVER = 64;

  private final Vertx vertx;
  private final HttpClient client;
  private final Duration timeout;
  private final OutboundPolicy outbound;

  /** {@code outbound}: addresses it refuses to connect to (the server's {@code outbound_deny}). */
  public HttpWebhookTransport(Duration timeout, OutboundPolicy outbound) {
    this(timeout, outbound, null);
  }

  /** As above; {@code trust}: the certificates https receivers must present, null for the JVM's trusted CAs. */
  HttpWebhookTransport(Duration timeout, OutboundPolicy outbound, TrustOptions trust) {
    this.timeout = timeout;
    this.outbound = outbound;
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
        .setInternalBlockingPoolSize(1).setUseDaemonThread(true));
    // HTTP/1.1: no h2c upgrade dance on plain http, which some receivers mishandle
    HttpClientOptions options = new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_1_1)
        .setConnectTimeout((int) timeout.toMillis()).setVerifyHost(true);
    if (trust != null) {
      options.setTrustOptions(trust);
    }
    this.client = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(CONNECTIONS_PER_RECEIVER));
  }

  /** How long the host lookup may take, and then the request (its connection attempts included). */
  public Duration timeout() {
    return timeout;
  }

  /** Blocks until the answer or the timeout: never call it on an event loop. */
  @Override
  public DeliveryOutcome post(String url, Map<String, String> headers, byte[] body) {
    if (io.vertx.core.Context.isOnEventLoopThread()) {
      throw new IllegalStateException("a webhook request blocks its caller; send it from a worker thread");
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException | NullPointerException e) {
      return DeliveryOutcome.failed("unusable URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
      return DeliveryOutcome.failed("unusable URL");
    }
    List<InetAddress> addresses;
    try {
      addresses = outbound.addressesToConnect(uri.getHost(), timeout);
    } catch (OutboundRefusedException e) {
      return DeliveryOutcome.failed(e.getMessage());
    } catch (LookupTimeoutException e) {
      return DeliveryOutcome.failed("DNS lookup timed out after " + timeout.toMillis() + " ms");
    } catch (UnknownHostException e) {
      return DeliveryOutcome.failed("connection failed");
    }
    // the connection attempts share the timeout, from the end of the lookup (which had its own)
    long deadline = System.nanoTime() + timeout.toNanos();
    int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
    List<RequestOptions> requests = new ArrayList<>();
    try {
      for (InetAddress address : addresses) {
        RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url)
            .setServer(SocketAddress.inetSocketAddress(port, literal(address)))
            .setFollowRedirects(false).setIdleTimeout(timeout.toMillis());
        headers.forEach(request::addHeader);
        requests.add(request);
      }
    } catch (IllegalArgumentException e) {
      return DeliveryOutcome.failed("unusable URL");
    }
    // the request once it has a connection, or ABANDONED once the caller stopped waiting: whichever
    // comes first wins, so a request the caller reported as timed out is never sent afterwards
    AtomicReference<Object> sent = new AtomicReference<>();
    Future<Integer> status;
    try {
      status = connect(requests, 0, deadline, sent).compose(r -> {
        if (!sent.compareAndSet(null, r)) {
          r.reset();
          return Future.failedFuture(new TimeoutException("abandoned before it was sent"));
        }
        return r.send(Buffer.buffer(body));
      }).compose(response -> response.end().map(done -> response.statusCode()));
    } catch (RuntimeException e) {
      return failure(e);
    }
    return await(status, sent);
  }

  /**
   * A request on a connection to the first address, from {@code requests.get(i)} on, that accepts
   * one, or the last failure. Only connecting moves on to the next address: a request that was
   * sent is never sent again. Each attempt gets an equal share of the time left (the last all of
   * it), so one address that does not answer leaves time for the next.
   */
  private Future<HttpClientRequest> connect(List<RequestOptions> requests, int i, long deadline,
      AtomicReference<Object> sent) {
    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    RequestOptions request = requests.get(i).setConnectTimeout(Math.max(1, left / (requests.size() - i)));
    return client.request(request).recover(e -> i + 1 < requests.size() && sent.get() == null
        && deadline - System.nanoTime() > 0 ? connect(requests, i + 1, deadline, sent) : Future.failedFuture(e));
  }

  /**
   * The checked address as a literal (IPv6 in brackets, as Vert.x takes it), for the client to
   * connect to without looking the URL's name up again.
   */
  private static String literal(InetAddress address) {
    return address instanceof Inet6Address ? "[" + address.getHostAddress() + "]" : address.getHostAddress();
  }

  private static final Object ABANDONED = new Object();

  private DeliveryOutcome await(Future<Integer> status, AtomicReference<Object> sent) {
    try {
      return DeliveryOutcome.answered(status.toCompletionStage().toCompletableFuture()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS));
    } catch (TimeoutException e) {
      if (sent.getAndSet(ABANDONED) instanceof HttpClientRequest request) {
        request.reset(); // frees the connection instead of waiting for a late answer
      }
      return timedOut();
    } catch (ExecutionException e) {
      return failure(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return DeliveryOutcome.failed("interrupted");
    }
  }

  /** A short reason naming no URL, address or message from the receiver. */
  private DeliveryOutcome failure(Throwable cause) {
    if (cause instanceof TimeoutException || cause instanceof io.netty.channel.ConnectTimeoutException) {
      return timedOut();
    }
    if (cause instanceof ConnectException) {
      return DeliveryOutcome.failed("connection failed");
    }
    return DeliveryOutcome.failed("I/O error: " + (cause == null ? "unknown" : cause.getClass().getSimpleName()));
  }

  private DeliveryOutcome timedOut() {
    return DeliveryOutcome.failed("timed out after " + timeout.toMillis() + " ms");
  }

  @Override
  public void close() {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // shutting down: its threads are daemons
    }
  }
}
