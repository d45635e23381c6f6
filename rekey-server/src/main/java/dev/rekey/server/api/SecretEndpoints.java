package dev.rekey.server.api;

import static dev.rekey.server.http.HandlerMode.BLOCKING;
import static dev.rekey.server.http.HandlerMode.EVENT_LOOP;
import static dev.rekey.server.http.Endpoint.withoutBody;

import dev.rekey.api.SecretGuardrailView;
import dev.rekey.api.SecretLabelRequest;
import dev.rekey.api.SecretList;
import dev.rekey.api.SecretPutRequest;
import dev.rekey.api.SecretRotationConfigView;
import dev.rekey.api.SecretRotationStatus;
import dev.rekey.api.SecretValueResponse;
import dev.rekey.api.WebhookVerifyRequest;
import dev.rekey.api.WebhookVerifyResponse;
import dev.rekey.core.RekeyException;
import dev.rekey.core.approval.GuardedOperation;
import dev.rekey.core.auth.Action;
import dev.rekey.core.audit.AuditLog;
import dev.rekey.core.audit.Audited;
import dev.rekey.core.secret.Secret;
import dev.rekey.core.secret.SecretGuardrail;
import dev.rekey.core.secret.SecretLabel;
import dev.rekey.core.service.KeyService;
import dev.rekey.core.service.SecretRotationService;
import dev.rekey.core.service.PreparedPut;
import dev.rekey.core.service.SecretService;
import dev.rekey.core.service.WebhookSecretVerifier;
import dev.rekey.core.secret.rotation.RotationConfig;
import dev.rekey.core.secret.rotation.SecretRotation;
import dev.rekey.server.http.ApiRouter;
import dev.rekey.server.http.HandlerMode;
import dev.rekey.server.http.Call;
import dev.rekey.server.http.RawJson;
import dev.rekey.server.http.Rendered;
import dev.rekey.server.http.Reply;
import io.vertx.core.http.HttpMethod;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** Versioned secrets: put, read by label or version, metadata and history, labels, lifecycle, guardrail. */
public final class SecretEndpoints {
  private final SecretService secrets;
  private final HandlerMode fromMemory;
  private final WebhookSecretVerifier webhooks;
  private final SecretRotationService rotations;
  private final Clock clock;
  private final AuditLog writes;
  private final ApprovalGate approvals;

  /**
   * Puts are group-committed by the audit writer {@code writes}, each with its request's audit
   * record: acknowledged once their batch is durable.
   */
  public SecretEndpoints(SecretService secrets, SecretRotationService rotations, WebhookSecretVerifier webhooks,
      Clock clock, AuditLog writes, ApprovalGate approvals, HandlerMode fromMemory) {
    this.secrets = secrets;
    this.fromMemory = fromMemory;
    this.rotations = rotations;
    this.webhooks = webhooks;
    this.clock = clock;
    this.writes = writes;
    this.approvals = approvals;
  }

  public void register(ApiRouter r) {
    r.route(HttpMethod.GET, "/v1/secrets", Action.SECRET_LIST, BLOCKING, this::list);
    r.route(HttpMethod.GET, "/v1/secret-guardrail", Action.SECRET_GUARDRAIL, BLOCKING,
        c -> guardrailView(secrets.guardrail(c.namespace())));
    r.route(HttpMethod.PUT, "/v1/secret-guardrail", Action.SECRET_GUARDRAIL, BLOCKING, this::setGuardrail);
    // Prepared on the event loop when the secret and its namespace's guardrail are in memory.
    r.route(HttpMethod.PUT, "/v1/secrets/:name", Action.SECRET_WRITE, EVENT_LOOP, this::put);
    // Served from the secret cache on the event loop, like encrypt (a miss reads the store once).
    r.route(HttpMethod.GET, "/v1/secrets/:name", Action.SECRET_READ, fromMemory, this::read);
    r.route(HttpMethod.GET, "/v1/secrets/:name/metadata", Action.SECRET_LIST, BLOCKING,
        c -> Views.secret(secrets.get(c.namespace(), c.keyName())));
    r.route(HttpMethod.PUT, "/v1/secrets/:name/labels/:label", Action.SECRET_MANAGE, BLOCKING, this::label);
    r.route(HttpMethod.DELETE, "/v1/secrets/:name/labels/:label", Action.SECRET_MANAGE, BLOCKING,
        c -> Views.secret(secrets.unlabel(c.namespace(), c.keyName(), c.pathParam("label"))));
    r.route(HttpMethod.POST, "/v1/secrets/:name/versions/:version/:action", Action.SECRET_MANAGE, BLOCKING,
        this::versionAction);
    r.route(HttpMethod.POST, "/v1/secrets/:name/verify-webhook", Action.SECRET_READ, BLOCKING, this::verifyWebhook);
    r.route(HttpMethod.PUT, "/v1/secrets/:name/rotation", Action.SECRET_ROTATE, BLOCKING, this::configureRotation);
    r.route(HttpMethod.GET, "/v1/secrets/:name/rotation", Action.SECRET_LIST, BLOCKING, this::rotationStatus);
    r.route(HttpMethod.DELETE, "/v1/secrets/:name/rotation", Action.SECRET_ROTATE, BLOCKING, c -> {
      rotations.removeConfig(c.namespace(), c.keyName());
      return Reply.noContent();
    });
    r.route(HttpMethod.POST, "/v1/secrets/:name/rotate", Action.SECRET_ROTATE, BLOCKING,
        withoutBody(c -> new Reply(202, Views.rotation(rotations.rotate(c.namespace(), c.keyName(), "manual")))));
    r.route(HttpMethod.GET, "/v1/secrets/:name/rotations/:id", Action.SECRET_LIST, BLOCKING, c -> {
      SecretRotation run = rotations.rotation(c.pathParam("id"));
      if (!run.namespace().equals(c.namespace()) || !run.secret().equals(c.keyName())) {
        throw RekeyException.notFound("secret '" + c.keyName() + "' has no rotation '" + c.pathParam("id") + "'");
      }
      return Views.rotation(run);
    });
  }

  private Object verifyWebhook(Call c) {
    WebhookVerifyRequest req = c.body(WebhookVerifyRequest.class);
    if (req.id() == null || req.timestamp() == null || req.signature() == null) {
      throw RekeyException.invalid("fields 'id', 'timestamp' and 'signature' are required");
    }
    if ((req.body() == null) == (req.bodyBase64() == null)) {
      throw RekeyException.invalid("give exactly one of 'body' (text) and 'body_base64' (bytes)");
    }
    byte[] body = req.body() != null ? req.body().getBytes(StandardCharsets.UTF_8)
        : Call.requiredBase64("body_base64", req.bodyBase64());
    WebhookSecretVerifier.WebhookCheck check = webhooks.verify(c.namespace(), c.keyName(), req.id(),
        req.timestamp(), body, req.signature());
    if (check.version() != null) {
      c.auditVersion(check.version());
    }
    return new WebhookVerifyResponse(check.valid(), check.version(), check.reason());
  }

  private Object configureRotation(Call c) {
    SecretRotationConfigView req = c.body(SecretRotationConfigView.class);
    RotationConfig stored = rotations.configure(new RotationConfig(c.namespace(), c.keyName(), req.rotator(),
        req.params(), duration("period", req.period()), duration("rotate_before_expiry", req.rotateBeforeExpiry()),
        null), (namespace, secret) -> c.principal().may(Action.SECRET_READ, namespace, secret));
    return Views.rotationConfig(stored);
  }

  private Object rotationStatus(Call c) {
    int limit = c.intQuery("limit", 10, 1, 100);
    return new SecretRotationStatus(Views.rotationConfig(rotations.config(c.namespace(), c.keyName())),
        rotations.history(c.namespace(), c.keyName(), limit).stream().map(Views::rotation).toList());
  }

  /**
   * Prepares the put (checks, guardrail, wrapping, the new state and its events) on the event loop
   * when this node holds what it needs fresh in memory, otherwise on a worker; then queues its
   * commit (and the rotation schedule it may move) for the audit writer's next group commit,
   * together with the request's audit record. The answer follows once the batch is durable;
   * no thread waits for it. A refused preparation is answered and audited like any refused request.
   */
  private Object put(Call c) {
    SecretPutRequest req = c.body(SecretPutRequest.class);
    SecretService.PutOptions options = new SecretService.PutOptions(req.cas(), instant("expires_at", req.expiresAt()),
        duration("ttl", req.ttl()), Boolean.TRUE.equals(req.pending()), req.tags());
    byte[] value = value(req); // after the options: a refused option leaves no copy of the value behind
    String namespace = c.namespace();
    String name = c.keyName();
    CompletionStage<Audited<Secret>> written;
    try {
      Optional<PreparedPut> inMemory = secrets.prepareFromMemory(namespace, name, value, options);
      written = inMemory.isPresent() ? commit(c, inMemory.get())
          : c.onWorker(() -> secrets.prepare(namespace, name, value, options)).thenCompose(p -> commit(c, p));
    } catch (RuntimeException e) {
      Arrays.fill(value, (byte) 0);
      throw e;
    }
    return written.whenComplete((done, failure) -> Arrays.fill(value, (byte) 0))
        // Version 1 only exists once: the put created the secret. The view is built when the answer
        // is sent, off the audit writer's thread that completes this future.
        .thenApply(done -> done.map(stored -> (Rendered) () -> stored.latestVersion() == 1
            ? Reply.created(Views.secretWritten(stored)) : Views.secretWritten(stored)));
  }

  private CompletionStage<Audited<Secret>> commit(Call c, PreparedPut prepared) {
    return writes.submitWrite(() -> {
      Secret stored = secrets.commit(prepared);
      rotations.reschedule(stored);
      return stored;
    }, secrets::publish, (stored, failure) -> {
      if (stored != null) {
        c.auditVersion(stored.latestVersion());
      }
      return c.auditRecord(failure);
    });
  }

  private Object read(Call c) {
    String label = c.query("label");
    String version = c.query("version");
    Integer number = version == null ? null : c.intQuery("version", 0, 1, Integer.MAX_VALUE);
    SecretService.Value v = secrets.read(c.namespace(), c.keyName(), label, number);
    c.auditVersion(v.version().number());
    try {
      byte[] json = SecretValueJson.write(new SecretValueResponse(c.keyName(),
          v.version().number(), v.secret().labelsOf(v.version().number()), text(v.value()), Call.encode(v.value()),
          Views.time(v.version().lifecycle().createdAt()), Views.time(v.version().expiresAt()),
          v.version().expiredAt(clock.instant())));
      try {
        return RawJson.serialized(json);
      } finally {
        java.util.Arrays.fill(json, (byte) 0); // the answer holds its own copy
      }
    } finally {
      java.util.Arrays.fill(v.value(), (byte) 0);
    }
  }

  private Object list(Call c) {
    int limit = c.intQuery("limit", 100, 1, KeyService.MAX_PAGE);
    // only the secrets the grants match; the cursor never names one outside them
    VisiblePage<Secret> page = VisiblePage.of((after, n) -> secrets.list(c.namespace(), after, n), c.query("after"),
        limit, KeyService.MAX_PAGE, s -> c.principal().may(Action.SECRET_LIST, s.namespace(), s.name()), Secret::name);
    return new SecretList(page.items().stream().map(Views::secret).toList(), page.next());
  }

  private Object label(Call c) {
    String label = c.pathParam("label");
    SecretLabelRequest req = c.body(SecretLabelRequest.class);
    if (req.version() == null) {
      throw RekeyException.invalid("field 'version' is required");
    }
    c.auditVersion(req.version());
    c.auditDetails("{\"label\":" + io.vertx.core.json.Json.encode(label) + "}");
    boolean current = SecretLabel.reserved(label).filter(l -> l == SecretLabel.CURRENT).isPresent();
    return Views.secret(current ? secrets.promote(c.namespace(), c.keyName(), req.version())
        : secrets.label(c.namespace(), c.keyName(), label, req.version()));
  }

  private Object versionAction(Call c) {
    VersionActionRequest r = VersionActionRequest.of(c);
    SecretService.GuardedChange done = r.run(c, approvals, GuardedOperation.SECRET_DESTROY, "secrets",
        () -> secrets.changeVersion(c.namespace(), c.keyName(), r.version(), r.action(), r.pendingDays(), r.force()));
    r.auditOverridden(c, done.overriddenConsumers());
    return Views.secret(done.secret());
  }

  private Object setGuardrail(Call c) {
    // The guardrail binds every secret of the namespace: a grant on some names (admin on billing-*)
    // may not loosen it for the others. The name "*" is matched only by a key pattern of stars.
    if (!c.principal().may(Action.SECRET_GUARDRAIL, c.namespace(), "*")) {
      throw RekeyException.forbidden("'" + c.principal().name() + "' may not change the secret guardrail of "
          + c.namespace() + ": it binds every secret there, so it needs secret.guardrail on every name ('*')");
    }
    SecretGuardrailView req = c.body(SecretGuardrailView.class);
    return guardrailView(secrets.setGuardrail(new SecretGuardrail(c.namespace(),
        Boolean.TRUE.equals(req.requireExpiry()), duration("max_lifetime", req.maxLifetime()))));
  }

  private static SecretGuardrailView guardrailView(SecretGuardrail g) {
    return new SecretGuardrailView(g.namespace(), g.requireExpiry(), Views.duration(g.maxLifetime()));
  }

  private static byte[] value(SecretPutRequest req) {
    if ((req.value() == null) == (req.valueBase64() == null)) {
      throw RekeyException.invalid("give exactly one of 'value' (text) and 'value_base64' (bytes)");
    }
    if (req.value() != null && !dev.rekey.core.key.Names.wellFormed(req.value())) {
      // encoding would store '?' in its place: refuse rather than change the secret
      throw RekeyException.invalid("field 'value' is not valid Unicode (an unpaired surrogate); send bytes as"
          + " 'value_base64'");
    }
    return req.value() != null ? req.value().getBytes(StandardCharsets.UTF_8)
        : Call.requiredBase64("value_base64", req.valueBase64());
  }

  /** The value as text when it is valid UTF-8, else null (the base64 form is always there). */
  private static String text(byte[] value) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(value)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static Instant instant(String field, String value) {
    if (value == null) {
      return null;
    }
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw RekeyException.invalid("'" + field + "' must be an ISO-8601 time such as 2027-01-31T00:00:00Z");
    }
  }

  private static Duration duration(String field, String value) {
    return dev.rekey.core.Durations.parse(field, value, "P30D or PT12H");
  }
}
