package dev.rekey.server.api;

import static dev.rekey.server.http.HandlerMode.BLOCKING;

import dev.rekey.api.CreateKeyRequest;
import dev.rekey.api.KeyExportRequest;
import dev.rekey.api.KeyExportResponse;
import dev.rekey.api.KeyList;
import dev.rekey.api.KeyView;
import dev.rekey.api.RotateRequest;
import dev.rekey.api.UpdateKeyRequest;
import dev.rekey.core.RekeyException;
import dev.rekey.core.approval.GuardedOperation;
import dev.rekey.core.auth.Action;
import dev.rekey.core.key.Key;
import dev.rekey.core.key.KeyType;
import dev.rekey.core.key.Names;
import dev.rekey.core.service.KeyExportService;
import dev.rekey.core.service.KeyService;
import dev.rekey.core.usage.UsageTracker;
import dev.rekey.server.http.ApiRouter;
import dev.rekey.server.http.Call;
import dev.rekey.server.http.Reply;
import io.vertx.core.http.HttpMethod;
import java.util.List;

/** Key management: create, read, list, rotate, configure, version lifecycle actions, and export. */
public final class KeyEndpoints {
  private final KeyService keys;
  private final KeyExportService export;
  private final UsageTracker usage;
  private final ApprovalGate approvals;

  /**
   * With {@code usage} (null: none), {@code GET /v1/keys/{name}} shows each version's usage;
   * destruction, emergency rotation and export go through {@code approvals}.
   */
  public KeyEndpoints(KeyService keys, KeyExportService export, UsageTracker usage, ApprovalGate approvals) {
    this.keys = keys;
    this.export = export;
    this.usage = usage;
    this.approvals = approvals;
  }

  public void register(ApiRouter r) {
    r.route(HttpMethod.POST, "/v1/keys", Action.KEY_CREATE, BLOCKING, this::create);
    r.route(HttpMethod.GET, "/v1/keys", Action.KEY_READ, BLOCKING, this::list);
    r.route(HttpMethod.GET, "/v1/keys/:name", Action.KEY_READ, BLOCKING, this::read);
    r.route(HttpMethod.PATCH, "/v1/keys/:name", Action.KEY_CONFIGURE, BLOCKING, this::update);
    r.route(HttpMethod.POST, "/v1/keys/:name/rotate", Action.KEY_ROTATE, BLOCKING, this::rotate);
    r.route(HttpMethod.POST, "/v1/keys/:name/emergency-rotate", Action.KEY_ROTATE, BLOCKING, this::emergencyRotate);
    r.route(HttpMethod.POST, "/v1/keys/:name/versions/:version/:action", Action.KEY_LIFECYCLE, BLOCKING,
        this::versionAction);
    r.route(HttpMethod.POST, "/v1/keys/:name/export", Action.KEY_EXPORT, BLOCKING, this::export);
  }

  private Object create(Call c) {
    CreateKeyRequest req = c.body(CreateKeyRequest.class);
    if (req.name() == null) {
      throw RekeyException.invalid("field 'name' is required");
    }
    c.auditKey(Names.keyName(req.name()));
    if (!c.principal().may(Action.KEY_CREATE, c.namespace(), req.name())) {
      throw RekeyException.forbidden("'" + c.principal().name() + "' may not key.create on " + c.namespace() + "/"
          + req.name());
    }
    KeyType type = req.type() == null ? KeyType.AES256_GCM : KeyType.fromWire(req.type());
    Key key = keys.create(c.namespace(), req.name(), type, req.tags(), Boolean.TRUE.equals(req.exportable()));
    c.auditVersion(1);
    return Reply.created(Views.key(key));
  }

  private Object list(Call c) {
    int limit = c.intQuery("limit", 100, 1, KeyService.MAX_PAGE);
    // only the keys the grants match; the cursor never names one outside them
    VisiblePage<Key> page = VisiblePage.of((after, n) -> keys.list(c.namespace(), after, n), c.query("after"), limit,
        KeyService.MAX_PAGE, k -> c.principal().may(Action.KEY_READ, k.namespace(), k.name()), Key::name);
    return new KeyList(page.items().stream().map(Views::key).toList(), page.next());
  }

  /** Raising min_decryption_version retires versions: guarded, forced and audited as a retire is. */
  private Object update(Call c) {
    UpdateKeyRequest req = c.body(UpdateKeyRequest.class);
    boolean force = c.boolQuery("force");
    KeyService.GuardedChange done = keys.update(c.namespace(), c.keyName(), req.minDecryptionVersion(),
        req.minEncryptionVersion(), req.tags(), req.exportable(), force);
    if (!done.overriddenConsumers().isEmpty()) {
      // A forced override of consumers still on the versions it retired: the audit record names them.
      c.auditDetails("{\"min_decryption_version\":" + req.minDecryptionVersion() + ",\"forced\":true,\"consumers\":[\""
          + String.join("\",\"", done.overriddenConsumers()) + "\"]}");
    }
    return view(c, done.key());
  }

  private Object rotate(Call c) {
    RotateRequest req = c.optionalBody(RotateRequest.class);
    boolean promote = req == null || req.promote() == null || req.promote();
    Key key = keys.rotate(c.namespace(), c.keyName(), promote);
    c.auditVersion(key.latestVersion());
    return Views.key(key);
  }

  /**
   * Audited as a rotation to the new primary whose details say it was an emergency and name the
   * version revoked as compromised: what a compromise assessment looks for in the trail.
   */
  private Object emergencyRotate(Call c) {
    dev.rekey.api.EmergencyRotateRequest req = c.optionalBody(dev.rekey.api.EmergencyRotateRequest.class);
    Integer version = req == null ? null : req.version();
    if (version != null && version < 1) {
      throw RekeyException.invalid("field 'version' must be a version number (1 or more), got " + version);
    }
    if (version != null) {
      // a refused request (no such version, say) still says which version it named as compromised
      c.auditDetails("{\"emergency\":true,\"compromised_version\":" + version + "}");
    }
    KeyService.EmergencyRotation done = approvals.run(c, GuardedOperation.KEY_EMERGENCY_ROTATE,
        "keys/" + c.keyName(), "emergency rotation: revoke " + (version == null ? "the primary version (when run)"
            : "version " + version) + " as compromised",
        () -> keys.emergencyRotate(c.namespace(), c.keyName(), version));
    // a version revoked or destroyed before is not revoked again: the trail must not show a second revocation
    c.auditDetails(done.revoked() ? "{\"emergency\":true,\"revoked_version\":" + done.revokedVersion() + "}"
        : "{\"emergency\":true,\"compromised_version\":" + done.revokedVersion() + ",\"unchanged\":true}");
    return view(c, done.key());
  }

  /** The response carries the material; the audit record names only the key and version. */
  private Object export(Call c) {
    KeyExportRequest req = c.optionalBody(KeyExportRequest.class);
    Integer version = req == null ? null : req.version();
    KeyExportService.Exported e = approvals.run(c, GuardedOperation.KEY_EXPORT, "keys/" + c.keyName(),
        "export the material of " + (version == null ? "the primary version" : "version " + version),
        () -> export.export(c.namespace(), c.keyName(), version));
    c.auditVersion(e.version());
    return new KeyExportResponse(c.keyName(), e.version(), e.type(), e.format(), e.value());
  }

  private Object versionAction(Call c) {
    VersionActionRequest r = VersionActionRequest.of(c);
    KeyService.GuardedChange done = r.run(c, approvals, GuardedOperation.KEY_DESTROY, "keys",
        () -> keys.changeVersion(c.namespace(), c.keyName(), r.version(), r.action(), r.pendingDays(), r.force()));
    r.auditOverridden(c, done.overriddenConsumers());
    return Views.key(done.key());
  }

  private KeyView read(Call c) {
    Key key = keys.get(c.namespace(), c.keyName());
    c.auditVersion(key.primary().number());
    return usage == null ? Views.key(key) : Views.key(key, usage.forKey(key.namespace(), key.name()));
  }

  private static KeyView view(Call c, Key key) {
    c.auditVersion(key.primary().number());
    return Views.key(key);
  }
}
