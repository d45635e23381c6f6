package dev.rekey.server.api;

import static dev.rekey.server.http.HandlerMode.BLOCKING;

import dev.rekey.api.TokenCreateRequest;
import dev.rekey.api.TokenList;
import dev.rekey.core.RekeyException;
import dev.rekey.core.auth.Action;
import dev.rekey.core.auth.Grant;
import dev.rekey.core.auth.TokenRecord;
import dev.rekey.core.service.TokenService;
import dev.rekey.server.http.ApiRouter;
import dev.rekey.server.http.Call;
import dev.rekey.server.http.Reply;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.util.List;

/** Token issue, inspection and revocation. The token itself is only ever in the create answer. */
public final class TokenEndpoints {
  private static final java.util.regex.Pattern TOKEN_ID = java.util.regex.Pattern.compile("tok_[0-9a-f]{16}");
  private final TokenService tokens;

  public TokenEndpoints(TokenService tokens) {
    this.tokens = tokens;
  }

  public void register(ApiRouter r) {
    r.route(HttpMethod.POST, "/v1/auth/tokens", Action.TOKEN_CREATE, BLOCKING, this::create);
    r.route(HttpMethod.GET, "/v1/auth/tokens", Action.TOKEN_READ, BLOCKING, c -> {
      int limit = c.intQuery("limit", TokenService.MAX_PAGE, 1, TokenService.MAX_PAGE);
      List<TokenRecord> page = tokens.list(c.principal(), c.query("after"), limit);
      String next = page.size() == limit ? page.get(page.size() - 1).id() : null;
      return new TokenList(page.stream().map(t -> Views.token(t, null)).toList(), next);
    });
    r.route(HttpMethod.GET, "/v1/auth/tokens/self", Action.TOKEN_SELF, BLOCKING, this::self);
    r.route(HttpMethod.DELETE, "/v1/auth/tokens/:id", Action.TOKEN_REVOKE, BLOCKING, c -> {
      String id = c.pathParam("id");
      if (id != null && TOKEN_ID.matcher(id).matches()) {
        // which token, allowed or refused; an id of another shape names no token and is not copied into the trail
        c.auditDetails("{\"revoked_token_id\":\"" + id + "\"}");
      }
      tokens.revoke(c.principal(), id);
      return Reply.noContent();
    });
  }

  private Object create(Call c) {
    TokenCreateRequest req = c.body(TokenCreateRequest.class);
    if (req.grants() == null) {
      throw RekeyException.invalid("field 'grants' is required");
    }
    List<Grant> grants = req.grants().stream().map(Views::grant).toList();
    // a refused issue (a grant wider than the caller's, say) records what was asked for
    java.util.Map<String, Object> requested = new java.util.LinkedHashMap<>();
    // at most as many as an issue may carry, so a refused request cannot write a huge record
    requested.put("requested_grants", grants.stream().limit(TokenService.MAX_GRANTS).map(Views::grant).toList());
    if (grants.size() > TokenService.MAX_GRANTS) {
      requested.put("requested_grant_count", grants.size());
    }
    c.auditDetails(io.vertx.core.json.Json.encode(requested));
    Duration ttl = dev.rekey.core.Durations.parse("ttl", req.ttl(), "PT24H");
    TokenService.Issued issued = tokens.create(c.principal(), req.principal(), grants, ttl);
    c.auditDetails(issuedDetails(issued.record()));
    return Reply.created(Views.token(issued.record(), issued.token()));
  }

  /**
   * What an auditor needs to judge an issue without token.read: the id, principal, grants and
   * expiry of the new token (all validated names and patterns; never the token).
   */
  private static String issuedDetails(dev.rekey.core.auth.TokenRecord t) {
    java.util.Map<String, Object> d = new java.util.LinkedHashMap<>();
    d.put("issued_token_id", t.id());
    d.put("principal", t.principal());
    d.put("grants", t.grants().stream().map(Views::grant).toList());
    if (t.expiresAt() != null) {
      d.put("expires_at", Views.time(t.expiresAt()));
    }
    return io.vertx.core.json.Json.encode(d);
  }

  private Object self(Call c) {
    return Views.token(tokens.find(c.principal().tokenId()).orElseThrow(
        () -> RekeyException.notFound("token not found")), null);
  }
}
