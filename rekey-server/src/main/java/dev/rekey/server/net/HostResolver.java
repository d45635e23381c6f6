package dev.rekey.server.net;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Looks up the addresses of a host name: the one place the {@link OutboundPolicy} gets them from,
 * so that a connection can go to an address it checked instead of looking the name up again.
 * Tests give one that answers like a DNS server rebinding a name between two lookups.
 */
@FunctionalInterface
public interface HostResolver {
  /** The JVM's own lookup (its DNS cache and hosts file included). */
  HostResolver SYSTEM = InetAddress::getAllByName;

  /** Every address of {@code host}, a name or a literal address (IPv6 without brackets); never empty. */
  InetAddress[] resolve(String host) throws UnknownHostException;
}
