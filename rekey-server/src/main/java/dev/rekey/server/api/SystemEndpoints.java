package dev.rekey.server.api;

import static dev.rekey.server.http.HandlerMode.BLOCKING;
import static dev.rekey.server.http.HandlerMode.EVENT_LOOP;
import static dev.rekey.server.http.Endpoint.withoutBody;

import dev.rekey.api.Health;
import dev.rekey.api.InitRequest;
import dev.rekey.api.InitResponse;
import dev.rekey.api.RotateRootResponse;
import dev.rekey.api.SealStatus;
import dev.rekey.api.UnsealRequest;
import dev.rekey.core.RekeyException;
import dev.rekey.core.auth.Action;
import dev.rekey.core.root.RootStatus;
import dev.rekey.server.RootLifecycle;
import dev.rekey.server.http.ApiRouter;
import dev.rekey.server.http.Call;
import dev.rekey.server.http.Reply;
import io.vertx.core.http.HttpMethod;

/** Health, initialization, sealing and unsealing, and root key rotation. */
public final class SystemEndpoints {
  public static final String VERSION = "0.1.0";
  private final RootLifecycle root;

  public SystemEndpoints(RootLifecycle root) {
    this.root = root;
  }

  public void register(ApiRouter r) {
    r.publicRoute(HttpMethod.GET, "/v1/health", "sys.health", false, EVENT_LOOP, this::health);
    r.publicRoute(HttpMethod.GET, "/v1/sys/seal-status", "sys.seal-status", false, EVENT_LOOP,
        c -> sealStatus(root.status()));
    r.publicRoute(HttpMethod.POST, "/v1/sys/init", "sys.init", true, BLOCKING, this::init);
    r.publicRoute(HttpMethod.POST, "/v1/sys/unseal", "sys.unseal", true, BLOCKING, this::unseal);
    r.route(HttpMethod.POST, "/v1/sys/seal", Action.SYSTEM_SEAL, BLOCKING, withoutBody(c -> {
      root.seal();
      return Reply.noContent();
    }));
    r.route(HttpMethod.POST, "/v1/sys/rotate-root", Action.SYSTEM_ROTATE_ROOT, BLOCKING, withoutBody(c -> {
      int rewrapped = root.rotateRoot();
      return new RotateRootResponse(root.currentRootKeyId(), rewrapped);
    }));
  }

  private Object health(Call c) {
    RootStatus s = root.status();
    String status = !s.initialized() ? "uninitialized" : s.sealed() ? "sealed" : "ok";
    Health body = new Health(status, s.initialized(), s.sealed(), VERSION);
    return "ok".equals(status) ? body : new Reply(503, body);
  }

  private Object init(Call c) {
    InitRequest req = c.optionalBody(InitRequest.class);
    RootLifecycle.Initialized done = root.init(req == null ? null : req.shares(), req == null ? null : req.threshold());
    return new InitResponse(done.shares(), done.rootToken());
  }

  private Object unseal(Call c) {
    UnsealRequest req = c.body(UnsealRequest.class);
    if (Boolean.TRUE.equals(req.reset())) {
      return sealStatus(root.resetUnseal());
    }
    if (req.share() == null) {
      throw RekeyException.invalid("field 'share' is required (or 'reset': true)");
    }
    return sealStatus(root.unseal(req.share()));
  }

  static SealStatus sealStatus(RootStatus s) {
    return new SealStatus(s.initialized(), s.sealed(), s.sealType(), s.initialized() ? s.shares() : null,
        s.initialized() ? s.threshold() : null, s.progress());
  }

}
