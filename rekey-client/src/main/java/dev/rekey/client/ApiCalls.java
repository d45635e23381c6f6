package dev.rekey.client;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.rekey.api.BatchResponse;
import dev.rekey.api.ErrorCode;
import java.io.IOException;
import java.util.List;

/**
 * JSON calls over one {@link Transport} in one namespace: what {@link RekeyClient} and its area
 * clients ({@code webhooks()}, {@code policies()}, ...) send. Bodies are rekey-api records or null.
 */
final class ApiCalls {
  private final Transport transport;
  private final String namespace;

  ApiCalls(Transport transport, String namespace) {
    this.transport = transport;
    this.namespace = namespace;
  }

  Transport transport() {
    return transport;
  }

  String namespace() {
    return namespace;
  }

  <T> T get(String path, Class<T> type) {
    return send("GET", path, null, type);
  }

  <T> T post(String path, Object body, Class<T> type) {
    return send("POST", path, body, type);
  }

  <T> T send(String method, String path, Object body, Class<T> type) {
    return transport.read(transport.send(method, path, namespace, body), type);
  }

  /** A call whose answer is not read (DELETE, seal). */
  void call(String method, String path) {
    transport.send(method, path, namespace, null);
  }

  /** A GET of a public endpoint: neither token nor namespace header. */
  <T> T publicGet(String path, Class<T> type) {
    return transport.read(transport.send("GET", path, namespace, null, false), type);
  }

  /** A batch POST; the results in order, each with its own error. */
  <T> List<T> batch(String path, Object body, TypeReference<BatchResponse<T>> type) {
    String json = transport.send("POST", path, namespace, body);
    try {
      BatchResponse<T> response = transport.mapper().readValue(json, type);
      return response.batchResults() == null ? List.of() : response.batchResults();
    } catch (IOException e) {
      throw new RekeyClientException(ErrorCode.INTERNAL, ErrorCode.INTERNAL.wire(), 0,
          "unreadable batch answer from the server", null);
    }
  }
}
