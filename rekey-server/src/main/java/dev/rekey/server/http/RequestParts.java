package dev.rekey.server.http;

import dev.rekey.core.RekeyException;
import dev.rekey.core.key.Names;

/** What the router reads from a request: the token, the namespace, the key name for the audit record, the client. */
final class RequestParts {
  private RequestParts() {}

  /** The bearer token: Rekey's routes read Authorization, then X-Rekey-Token; Vault's read X-Vault-Token first. */
  static String token(Exchange ctx) {
    if (ctx.vault) {
      // as Vault: its own header first (a proxy in front may add an Authorization header of its own)
      String vaultToken = ctx.request().getHeader(VaultDialect.TOKEN_HEADER);
      if (vaultToken != null) {
        return vaultToken;
      }
    }
    String auth = ctx.request().getHeader("Authorization");
    if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return auth.substring(7).trim();
    }
    return ctx.request().getHeader(ApiRouter.TOKEN_HEADER);
  }

  /** The request's namespace (the default when none is named); invalid_request for an invalid name. */
  static String namespace(Exchange ctx) {
    if (ctx.vault) {
      return Names.namespace(VaultDialect.namespace(ctx.request()));
    }
    String v = ctx.request().getHeader(ApiRouter.NAMESPACE_HEADER);
    return Names.namespace(v == null || v.isEmpty() ? Names.DEFAULT_NAMESPACE : v);
  }

  /** As {@link #namespace}, or null when the header names an invalid one (for requests refused anyway). */
  static String namespaceOrNull(Exchange ctx) {
    try {
      return namespace(ctx);
    } catch (RekeyException e) {
      return null;
    }
  }

  /**
   * The key name of the path as the audit record names it: only a valid name. Anything else (a NUL,
   * control characters, {@code ../k}) was refused or never reached a key, and is not copied into
   * the trail (log injection, and PostgreSQL cannot store a NUL: one such request would fail the
   * whole audit batch).
   */
  static String validKeyNameOrNull(Exchange ctx) {
    String name = ctx.pathParam("name");
    if (name == null) {
      return null;
    }
    try {
      return Names.keyName(name);
    } catch (RekeyException invalid) {
      return null;
    }
  }

  static String clientAddress(Exchange ctx) {
    return ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().hostAddress();
  }
}
