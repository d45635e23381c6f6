package dev.rekey.server.http;

import dev.rekey.api.ErrorBody;
import dev.rekey.api.ErrorCode;
import dev.rekey.api.ErrorDetail;
import dev.rekey.core.RekeyException;
import dev.rekey.core.approval.ApprovalRequiredException;
import dev.rekey.server.api.ApprovalViews;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** How the router answers a failure: its wire error, and the error body in the route's dialect. */
final class Failures {
  private static final Logger LOG = LoggerFactory.getLogger(ApiRouter.class);

  private Failures() {}

  /** The wire error of a failure, as {@link #asRekeyException} answers it (without logging). */
  static ErrorCode code(Throwable t) {
    return t instanceof RekeyException e ? e.code()
        : t.getCause() instanceof RekeyException e ? e.code() : ErrorCode.INTERNAL;
  }

  /** The failure as the caller sees it; anything but a RekeyException is logged and answered as internal. */
  static RekeyException asRekeyException(Throwable t, Exchange ctx) {
    if (t instanceof RekeyException e) {
      return e;
    }
    if (t.getCause() instanceof RekeyException e) {
      return e;
    }
    LOG.error("internal error on {} {}", ctx.request().method(), ctx.request().path(), t);
    return new RekeyException(ErrorCode.INTERNAL, "internal error");
  }

  /** Rekey's {@code {"error":{...}}} (with the approval to ask for, for approval_required), or Vault's. */
  static byte[] body(Json json, Exchange ctx, RekeyException e) {
    if (ctx.vault) {
      return VaultDialect.errorBody(json, e);
    }
    return json.write(new ErrorBody(new ErrorDetail(e.code().wire(), e.getMessage(),
        e instanceof ApprovalRequiredException a ? ApprovalViews.of(a.approval()) : null)));
  }
}
