package dev.rekey.server.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A DNS server rebinding one name, for tests: the first lookup of {@code name} answers
 * {@code first} (an allowed address), every later one {@code then} (a denied one). Other hosts
 * must be literal addresses. Counts the lookups of {@code name}.
 */
public final class RebindingResolver implements HostResolver {
  private final String name;
  private final InetAddress first;
  private final InetAddress then;
  private final AtomicInteger lookups = new AtomicInteger();

  public RebindingResolver(String name, String first, String then) throws UnknownHostException {
    this.name = name;
    this.first = InetAddress.getByName(first);
    this.then = InetAddress.getByName(then);
  }

  @Override
  public InetAddress[] resolve(String host) throws UnknownHostException {
    if (!host.equalsIgnoreCase(name)) {
      if (!host.matches("[0-9.]+|[0-9a-fA-F:]*:[0-9a-fA-F:.]*")) {
        throw new UnknownHostException(host + " (only " + name + " and literal addresses resolve in this test)");
      }
      return InetAddress.getAllByName(host);
    }
    InetAddress answer = lookups.getAndIncrement() == 0 ? first : then;
    return new InetAddress[] {InetAddress.getByAddress(name, answer.getAddress())};
  }

  /** How often {@code name} was looked up. */
  public int lookups() {
    return lookups.get();
  }
}
