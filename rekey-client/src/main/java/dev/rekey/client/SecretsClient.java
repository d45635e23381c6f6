package dev.rekey.client;

import dev.rekey.api.ApiPaths;
import dev.rekey.api.ScheduleDestroyRequest;
import dev.rekey.api.SecretGuardrailView;
import dev.rekey.api.SecretLabelRequest;
import dev.rekey.api.SecretList;
import dev.rekey.api.SecretPutRequest;
import dev.rekey.api.SecretRotationConfigView;
import dev.rekey.api.SecretRotationStatus;
import dev.rekey.api.SecretRotationView;
import dev.rekey.api.SecretValueResponse;
import dev.rekey.api.SecretView;
import dev.rekey.api.WebhookVerifyRequest;
import dev.rekey.api.WebhookVerifyResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The secrets part of the SDK ({@code client.secrets()}): versioned secrets with staging labels
 * (CURRENT, PENDING, PREVIOUS), check-and-set writes, expiry and the namespace guardrail.
 * Shares the connection, token and namespace of the {@link RekeyClient} it came from.
 */
public final class SecretsClient {
  private final Transport transport;
  private final String namespace;

  SecretsClient(Transport transport, String namespace) {
    this.transport = transport;
    this.namespace = namespace;
  }

  /** Writes a new version (see {@link SecretPutRequest} for check-and-set, expiry and pending). */
  public SecretView put(String name, SecretPutRequest request) {
    return send("PUT", ApiPaths.secret(name), request, SecretView.class);
  }

  /** Writes a text value as the new CURRENT version. */
  public SecretView put(String name, String value) {
    return put(name, new SecretPutRequest(value, null, null, null, null, null, null));
  }

  /** Writes a text value as the new CURRENT version, expiring after {@code ttl}. */
  public SecretView put(String name, String value, Duration ttl) {
    return put(name, new SecretPutRequest(value, null, null, null, ttl.toString(), null, null));
  }

  /** The value a label names (null: CURRENT) or of a version number (then {@code label} must be null). */
  public SecretValueResponse read(String name, String label, Integer version) {
    return send("GET", ApiPaths.secretValue(name, label, version), null, SecretValueResponse.class);
  }

  /** The CURRENT value as text (UTF-8). */
  public String current(String name) {
    SecretValueResponse r = read(name, null, null);
    return r.value() != null ? r.value()
        : new String(WireText.unb64(r.valueBase64()), StandardCharsets.UTF_8);
  }

  public SecretView metadata(String name) {
    return send("GET", ApiPaths.secret(name) + "/metadata", null, SecretView.class);
  }

  public SecretList list(String after, Integer limit) {
    return send("GET", ApiPaths.secrets(after, limit), null, SecretList.class);
  }

  /** Every secret of the namespace, following the pages. */
  public List<SecretView> listAll() {
    List<SecretView> all = new ArrayList<>();
    String after = null;
    do {
      SecretList page = list(after, null);
      all.addAll(page.secrets());
      after = page.secrets().isEmpty() ? null : page.nextAfter();
    } while (after != null);
    return all;
  }

  /** Points a custom label at a version; the label {@code CURRENT} promotes the version instead. */
  public SecretView label(String name, String label, int version) {
    return send("PUT", ApiPaths.secret(name) + "/labels/" + ApiPaths.segment(label), new SecretLabelRequest(version),
        SecretView.class);
  }

  public SecretView unlabel(String name, String label) {
    return send("DELETE", ApiPaths.secret(name) + "/labels/" + ApiPaths.segment(label), null, SecretView.class);
  }

  /** A lifecycle action on a version other than CURRENT (disable, enable, retire, revoke, destruction). */
  public SecretView versionAction(String name, int version, VersionAction action, Integer pendingDays) {
    return versionAction(name, version, action, pendingDays, false);
  }

  /**
   * As above; with {@code force} a retire, disable or destruction goes ahead even though bound
   * consumers still use the version (otherwise 409 {@code version_in_use}); the override is audited.
   */
  public SecretView versionAction(String name, int version, VersionAction action, Integer pendingDays, boolean force) {
    Object body = action == VersionAction.SCHEDULE_DESTROY ? new ScheduleDestroyRequest(pendingDays) : null;
    String path = WireText.pathWithQuery(ApiPaths.secret(name) + "/versions/" + version + "/" + action.wire(),
        "force", force ? "true" : null);
    return send("POST", path, body, SecretView.class);
  }

  /** Sets how the secret rotates: rotator, parameters, optional period and lead time before expiry. */
  public SecretRotationConfigView configureRotation(String name, SecretRotationConfigView config) {
    return send("PUT", ApiPaths.secret(name) + "/rotation", config, SecretRotationConfigView.class);
  }

  /** The rotation configuration and the latest runs, newest first. */
  public SecretRotationStatus rotationStatus(String name) {
    return send("GET", ApiPaths.secret(name) + "/rotation", null, SecretRotationStatus.class);
  }

  /** Starts a rotation now (or returns the running one); the server runs its steps in the background. */
  public SecretRotationView rotate(String name) {
    return send("POST", ApiPaths.secret(name) + "/rotate", null, SecretRotationView.class);
  }

  public SecretRotationView rotation(String name, String id) {
    return send("GET", ApiPaths.secret(name) + "/rotations/" + ApiPaths.segment(id), null, SecretRotationView.class);
  }

  /** Starts a rotation and waits until it is no longer running (or {@code timeout} passes); returns its last state. */
  public SecretRotationView rotateAndWait(String name, Duration timeout) {
    SecretRotationView r = rotate(name);
    long deadline = System.nanoTime() + timeout.toNanos();
    while ("running".equals(r.status()) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return r;
      }
      r = rotation(name, r.id());
    }
    return r;
  }

  /**
   * Checks an incoming Standard Webhooks message against the webhook secret {@code name}: CURRENT
   * and, during the grace period after a rotation, PREVIOUS.
   */
  public WebhookVerifyResponse verifyWebhook(String name, String id, long timestamp, String signature, byte[] body) {
    return send("POST", ApiPaths.secret(name) + "/verify-webhook", new WebhookVerifyRequest(id, timestamp, signature,
        null, WireText.b64(body)), WebhookVerifyResponse.class);
  }

  public SecretGuardrailView guardrail() {
    return send("GET", "/v1/secret-guardrail", null, SecretGuardrailView.class);
  }

  /** Sets the namespace's guardrail; {@code maxLifetime} null for no maximum. */
  public SecretGuardrailView setGuardrail(boolean requireExpiry, Duration maxLifetime) {
    return send("PUT", "/v1/secret-guardrail", new SecretGuardrailView(null, requireExpiry,
        maxLifetime == null ? null : maxLifetime.toString()), SecretGuardrailView.class);
  }

  private <T> T send(String method, String path, Object body, Class<T> type) {
    return transport.read(transport.send(method, path, namespace, body), type);
  }
}
