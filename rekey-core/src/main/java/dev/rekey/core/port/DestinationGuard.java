package dev.rekey.core.port;

/**
 * Which hosts the server refuses to send requests to on a caller's behalf (the server's
 * {@code outbound_deny}): checked when a webhook URL, consumer hook URL or rotation URL is set, so
 * a denied one is refused at once rather than failing every delivery later.
 */
@FunctionalInterface
public interface DestinationGuard {
  /** Denies nothing. */
  DestinationGuard NONE = host -> null;

  /** Why requests to {@code host} are refused, or null when they are allowed. */
  String refusal(String host);
}
