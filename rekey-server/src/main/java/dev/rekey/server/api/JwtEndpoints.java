package dev.rekey.server.api;


import dev.rekey.api.JwtIssueRequest;
import dev.rekey.api.JwtIssueResponse;
import dev.rekey.api.JwtVerifyRequest;
import dev.rekey.api.JwtVerifyResponse;
import dev.rekey.core.RekeyException;
import dev.rekey.core.auth.Action;
import dev.rekey.core.service.JwtService;
import dev.rekey.server.http.ApiRouter;
import dev.rekey.server.http.HandlerMode;
import dev.rekey.server.http.Call;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;

/**
 * Issue and verify JWTs with a signing key. The audit records the version (and, for verify, the
 * validity and reason); never the token or its claims.
 */
public final class JwtEndpoints {
  private final JwtService jwt;
  private final HandlerMode fromMemory;

  public JwtEndpoints(JwtService jwt, HandlerMode fromMemory) {
    this.jwt = jwt;
    this.fromMemory = fromMemory;
  }

  public void register(ApiRouter r) {
    r.route(HttpMethod.POST, "/v1/keys/:name/jwt", Action.SIGN, fromMemory, this::issue);
    r.route(HttpMethod.POST, "/v1/keys/:name/jwt/verify", Action.VERIFY, fromMemory, this::verify);
  }

  private Object issue(Call c) {
    JwtIssueRequest req = c.body(JwtIssueRequest.class);
    JwtService.Issued issued = jwt.issue(c.namespace(), c.keyName(), req.claims(), ttl(req.ttl()));
    c.auditVersion(issued.version());
    return new JwtIssueResponse(issued.jwt(), issued.kid(), issued.version());
  }

  private Object verify(Call c) {
    JwtVerifyRequest req = c.body(JwtVerifyRequest.class);
    if (req.jwt() == null) {
      throw RekeyException.invalid("field 'jwt' is required");
    }
    JwtService.Verification v = jwt.verify(c.namespace(), c.keyName(), req.jwt());
    if (v.version() != null) {
      c.auditVersion(v.version());
    }
    c.auditDetails(v.valid() ? "{\"valid\":true}" : "{\"valid\":false,\"reason\":\"" + v.reason() + "\"}");
    return new JwtVerifyResponse(v.valid(), v.kid(), v.version(), v.claims(), v.reason());
  }

  private static Duration ttl(String ttl) {
    return dev.rekey.core.Durations.parse("ttl", ttl, "PT1H or P1D");
  }
}
