package dev.rekey.server.http;

/** A thin handler: read the call, call one service method, return the body (or a {@link Reply}). */
@FunctionalInterface
public interface Endpoint {
  Object handle(Call call);

  /**
   * {@code endpoint} for a route that takes no parameters: a body other than none or {@code {}} is
   * refused with 400 invalid_request before it runs ({@link Call#requireNoBody}).
   */
  static Endpoint withoutBody(Endpoint endpoint) {
    return call -> {
      call.requireNoBody();
      return endpoint.handle(call);
    };
  }
}
