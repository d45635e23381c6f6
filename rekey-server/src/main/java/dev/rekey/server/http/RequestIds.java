package dev.rekey.server.http;

import java.util.concurrent.atomic.AtomicLong;

/** A request's id: the caller's {@code X-Request-Id} when it is short printable ASCII, else one of this node's. */
final class RequestIds {
  private final String prefix = Long.toHexString(System.nanoTime() & 0xffffffL) + "-";
  private final AtomicLong counter = new AtomicLong();

  String of(Exchange ctx) {
    String given = ctx.request().getHeader(ApiRouter.REQUEST_ID_HEADER);
    if (given != null && given.length() <= 128 && given.chars().allMatch(c -> c > 32 && c < 127)) {
      return given;
    }
    return prefix + Long.toHexString(counter.incrementAndGet());
  }
}
