package dev.rekey.server.http;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.key.Names;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;

/**
 * HashiCorp Vault's wire conventions, for the routes registered with {@link ApiRouter.Dialect#VAULT}
 * (the transit-compatible subset): the token in {@code X-Vault-Token}, the namespace in
 * {@code X-Vault-Namespace}, and errors as {@code {"errors":["message"]}} with Vault's statuses.
 */
public final class VaultDialect {
  /** Where the Vault-compatible routes are mounted: a request under it is answered in Vault's shape. */
  public static final String PREFIX = "/v1/transit/";
  public static final String TOKEN_HEADER = "X-Vault-Token";
  public static final String NAMESPACE_HEADER = "X-Vault-Namespace";

  private VaultDialect() {}

  /** {@code {"errors":[...]}}: the message only, never a value from the request. */
  public record Errors(List<String> errors) {}

  /**
   * The request's namespace: {@code X-Vault-Namespace} (one trailing slash ignored, as Vault
   * writes {@code ns1/}), else Rekey's {@code X-Rekey-Namespace}, else the default.
   */
  static String namespace(HttpServerRequest request) {
    String ns = request.getHeader(NAMESPACE_HEADER);
    if (ns != null && ns.endsWith("/")) {
      ns = ns.substring(0, ns.length() - 1);
    }
    if (ns == null || ns.isEmpty()) {
      ns = request.getHeader(ApiRouter.NAMESPACE_HEADER);
    }
    return ns == null || ns.isEmpty() ? Names.DEFAULT_NAMESPACE : ns;
  }

  /** As {@link HttpStatus#of}, except that a missing or unknown token is 403 (Vault's "permission denied"). */
  static int status(ErrorCode code) {
    return code == ErrorCode.UNAUTHENTICATED ? 403 : HttpStatus.of(code);
  }

  static byte[] errorBody(Json json, RekeyException e) {
    String message = e.code() == ErrorCode.UNAUTHENTICATED ? "permission denied: " + e.getMessage() : e.getMessage();
    return json.write(new Errors(List.of(message)));
  }
}
