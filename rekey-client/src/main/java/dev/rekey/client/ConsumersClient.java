package dev.rekey.client;

import dev.rekey.api.ApiPaths;
import dev.rekey.api.BindRequest;
import dev.rekey.api.BindingList;
import dev.rekey.api.BindingView;
import dev.rekey.api.ConfirmRequest;
import dev.rekey.api.ConsumerList;
import dev.rekey.api.ConsumerRequest;
import dev.rekey.api.ConsumerView;
import dev.rekey.api.PropagationPolicyView;
import dev.rekey.api.RotationDriftReport;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The consumers part of the SDK ({@code client.consumers()}): register the systems that use keys
 * and secrets, bind them, confirm the version in use, list stale bindings and read the rotation drift report.
 * Shares the connection, token and namespace of the {@link RekeyClient} it came from.
 */
public final class ConsumersClient {
  private static final String BASE = "/v1/consumers";

  private final Transport transport;
  private final String namespace;

  ConsumersClient(Transport transport, String namespace) {
    this.transport = transport;
    this.namespace = namespace;
  }

  /** Registers a consumer; with a hook URL the answer's {@code hookSecret} is shown only this once. */
  public ConsumerView register(ConsumerRequest request) {
    return send("POST", BASE, request, ConsumerView.class);
  }

  public ConsumerView update(String name, ConsumerRequest request) {
    return send("PATCH", path(name), request, ConsumerView.class);
  }

  public ConsumerView get(String name) {
    return send("GET", path(name), null, ConsumerView.class);
  }

  public ConsumerList list(String after, Integer limit) {
    return send("GET", WireText.pathWithQuery(BASE, "after", after, "limit", limit), null, ConsumerList.class);
  }

  public void remove(String name) {
    transport.send("DELETE", path(name), namespace, null);
  }

  /** Binds to one key; {@code mode} latest or pinned (null: latest); {@code version} null: the primary. */
  public BindingView bind(String name, String key, String mode, Integer version) {
    return send("POST", path(name) + "/bindings", new BindRequest(key, null, mode, version), BindingView.class);
  }

  /** Binds to one secret; {@code mode} latest or pinned (null: latest); {@code version} null: its CURRENT one. */
  public BindingView bindSecret(String name, String secret, String mode, Integer version) {
    return send("POST", path(name) + "/bindings", new BindRequest(null, null, mode, version, secret),
        BindingView.class);
  }

  public void unbindSecret(String name, String secret) {
    transport.send("DELETE", path(name) + "/secret-bindings/" + ApiPaths.segment(secret), namespace, null);
  }

  /** The consumer reports that it now uses {@code version} of the secret. */
  public BindingView confirmSecret(String name, String secret, int version) {
    return send("PUT", path(name) + "/secret-bindings/" + ApiPaths.segment(secret), new ConfirmRequest(version),
        BindingView.class);
  }

  /** The bindings of one secret. */
  public BindingList bindingsOfSecret(String secret) {
    return send("GET", WireText.pathWithQuery("/v1/bindings", "secret", secret), null, BindingList.class);
  }

  /** Per rotation of one secret (a new CURRENT version), who moved and who did not. */
  public RotationDriftReport driftOfSecret(String secret) {
    return send("GET", WireText.pathWithQuery("/v1/reports/rotation-drift", "secret", secret), null,
        RotationDriftReport.class);
  }

  /** Binds to every key whose tags include {@code selector}; returns all the consumer's bindings. */
  public BindingList bindSelector(String name, Map<String, String> selector) {
    return send("POST", path(name) + "/bindings", new BindRequest(null, selector, null, null), BindingList.class);
  }

  public void unbind(String name, String key) {
    transport.send("DELETE", path(name) + "/bindings/" + ApiPaths.segment(key), namespace, null);
  }

  public void unbindSelector(String name, Map<String, String> selector) {
    String text = new TreeMap<>(selector).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(","));
    transport.send("DELETE", WireText.pathWithQuery(path(name) + "/selectors", "selector", text), namespace, null);
  }

  /** The consumer reports that it now uses {@code version} of the key. */
  public BindingView confirm(String name, String key, int version) {
    return send("PUT", path(name) + "/bindings/" + ApiPaths.segment(key), new ConfirmRequest(version),
        BindingView.class);
  }

  /** Bindings in a state (CURRENT, PENDING_UPDATE, STALE) in this namespace, or in all of them. */
  public BindingList bindings(String state, boolean allNamespaces) {
    return send("GET", WireText.pathWithQuery("/v1/bindings", "state", state, "all_namespaces",
        allNamespaces ? "true" : null), null, BindingList.class);
  }

  /** The bindings of one key. */
  public BindingList bindingsOfKey(String key) {
    return send("GET", WireText.pathWithQuery("/v1/bindings", "key", key), null, BindingList.class);
  }

  /** Per rotation, who moved and who did not; {@code key} null for every key and secret. */
  public RotationDriftReport drift(String key) {
    return send("GET", WireText.pathWithQuery("/v1/reports/rotation-drift", "key", key), null,
        RotationDriftReport.class);
  }

  public PropagationPolicyView policy(String key) {
    return send("GET", key == null ? "/v1/propagation" : ApiPaths.key(key) + "/propagation", null,
        PropagationPolicyView.class);
  }

  /** Sets a key's propagation policy (or the namespace default when {@code key} is null); null fields stay. */
  public PropagationPolicyView setPolicy(String key, PropagationPolicyView policy) {
    return send("PUT", key == null ? "/v1/propagation" : ApiPaths.key(key) + "/propagation", policy,
        PropagationPolicyView.class);
  }

  private static String path(String name) {
    return BASE + "/" + ApiPaths.segment(name);
  }

  private <T> T send(String method, String path, Object body, Class<T> type) {
    return transport.read(transport.send(method, path, namespace, body), type);
  }
}
