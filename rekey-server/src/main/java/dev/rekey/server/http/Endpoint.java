package dev.rekey.server.http;

/** A thin handler: read the call, call one service method, return the body (or a {@link Reply}). */
@FunctionalInterface
public interface Endpoint {
  Object handle(Call call);
}
