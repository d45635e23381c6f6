package dev.rekey.server.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Which addresses the server refuses to connect to on a user's behalf: webhook deliveries,
 * consumer hooks, the external-hook rotator and the PostgreSQL rotator go to URLs and hosts that
 * API callers choose, so without this a caller allowed only {@code consumer.manage} in one
 * namespace could make the server send requests to the cloud metadata service on its own host
 * (server-side request forgery). Checked on the addresses a host name resolves to, right before
 * connecting: every one of them must be allowed, and the connection goes to one of the addresses
 * checked ({@link #addressesToConnect}), never to a second lookup of the name (DNS rebinding).
 * Every lookup has a deadline, so a slow or hung DNS server cannot hold the caller longer than its
 * own timeout.
 *
 * <p>The server's {@code outbound_deny} setting; by default {@link #DEFAULT_DENY}: link-local
 * addresses (where cloud metadata services answer, {@code 169.254.169.254} and AWS's
 * {@code fd00:ec2::254}, and 169.254.0.0/16 written as an IPv4-compatible or NAT64 IPv6 address)
 * and the unspecified ones. Loopback and private networks are allowed, as
 * the services that consume keys and secrets usually live there; add them to deny them.
 */
public final class OutboundPolicy implements dev.rekey.core.port.DestinationGuard {
  public static final List<String> DEFAULT_DENY = List.of("169.254.0.0/16", "fe80::/10", "0.0.0.0/8", "::/128",
      "fd00:ec2::254/128", "::a9fe:0/112", "64:ff9b::a9fe:0/112");
  public static final OutboundPolicy DEFAULT = of(DEFAULT_DENY);
  public static final OutboundPolicy ALLOW_ALL = of(List.of());
  /** How long {@link #refusal} waits for a lookup, when a URL is set; an answer not given by then is no refusal. */
  static final Duration CHECK_LOOKUP_DEADLINE = Duration.ofSeconds(5);

  private final List<Cidr> denied;
  private final List<String> texts;
  private final HostResolver resolver;

  private OutboundPolicy(List<Cidr> denied, List<String> texts, HostResolver resolver) {
    this.denied = List.copyOf(denied);
    this.texts = List.copyOf(texts);
    this.resolver = resolver;
  }

  /** The policy denying {@code cidrs} ({@code 10.0.0.0/8}, {@code fe80::/10}, or one address); IllegalArgumentException naming a bad one. */
  public static OutboundPolicy of(List<String> cidrs) {
    List<Cidr> parsed = new ArrayList<>();
    for (String c : cidrs) {
      parsed.add(Cidr.parse(c));
    }
    return new OutboundPolicy(parsed, cidrs, HostResolver.SYSTEM);
  }

  /** The same policy, looking names up with {@code resolver} instead of the JVM's lookup. */
  public OutboundPolicy resolvingWith(HostResolver resolver) {
    return new OutboundPolicy(denied, texts, resolver);
  }

  public List<String> denied() {
    return texts;
  }

  /**
   * Why connecting to {@code host} is refused, or null when it is allowed. A host that does not
   * resolve is allowed here (the connection fails on its own, with its own message). Only for
   * checking a URL as it is set: to connect, use {@link #addressesToConnect}. A lookup not answered
   * within {@link #CHECK_LOOKUP_DEADLINE} counts as a host that does not resolve.
   */
  @Override
  public String refusal(String host) {
    if (denied.isEmpty() || host == null) {
      return null;
    }
    try {
      return refusal(host, TimedLookup.resolve(resolver, bare(host), CHECK_LOOKUP_DEADLINE));
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /**
   * The addresses to connect to for {@code host}, in the order its lookup gave them: looked up once,
   * within {@code deadline}, and every one must be allowed. Try them in this order and do not look
   * {@code host} up again: a name whose answer changes between two lookups would otherwise pass the
   * check with one address and connect to another.
   *
   * @throws LookupTimeoutException when the lookup did not answer within {@code deadline}
   * @throws UnknownHostException when the name does not resolve
   * @throws OutboundRefusedException when any of its addresses is denied
   */
  public List<InetAddress> addressesToConnect(String host, Duration deadline)
      throws UnknownHostException, OutboundRefusedException {
    if (host == null || host.isBlank()) {
      throw new UnknownHostException("no host"); // the JDK would answer the loopback address
    }
    InetAddress[] addresses = TimedLookup.resolve(resolver, bare(host), deadline);
    if (addresses == null || addresses.length == 0) {
      throw new UnknownHostException("no address");
    }
    String refused = refusal(host, addresses);
    if (refused != null) {
      throw new OutboundRefusedException(refused);
    }
    return List.of(addresses);
  }

  private String refusal(String host, InetAddress[] addresses) {
    for (InetAddress a : addresses) {
      for (int i = 0; i < denied.size(); i++) {
        if (denied.get(i).contains(a)) {
          return "the server's outbound_deny refuses " + host + " (" + a.getHostAddress() + " is in " + texts.get(i) + ")";
        }
      }
    }
    return null;
  }

  private static String bare(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  @Override
  public String toString() {
    return "OutboundPolicy[deny=" + texts + "]";
  }

  /** An address range: the first {@code prefix} bits of {@code network}. */
  record Cidr(byte[] network, int prefix) {
    static Cidr parse(String text) {
      if (text == null || text.isBlank()) {
        throw new IllegalArgumentException("an empty address range");
      }
      String t = text.trim();
      int slash = t.indexOf('/');
      String address = slash < 0 ? t : t.substring(0, slash);
      boolean v4 = address.matches("\\d{1,3}(\\.\\d{1,3}){3}");
      if (!v4 && !(address.contains(":") && address.matches("[0-9a-fA-F:.]+"))) {
        // only literal addresses in their usual forms: InetAddress would look a name up in DNS, and
        // reads 1.2.3 as 1.2.0.3
        throw new IllegalArgumentException("'" + text + "' is not an address or address/prefix (like 10.0.0.0/8 or fe80::/10)");
      }
      byte[] bytes;
      try {
        bytes = InetAddress.getByName(address).getAddress();
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("'" + text + "' is not an address or address/prefix (like 10.0.0.0/8 or fe80::/10)");
      }
      int bits = bytes.length * 8;
      int prefix = bits;
      if (slash >= 0) {
        try {
          prefix = Integer.parseInt(t.substring(slash + 1));
        } catch (NumberFormatException e) {
          prefix = -1;
        }
        if (prefix < 0 || prefix > bits) {
          throw new IllegalArgumentException("'" + text + "' has a prefix outside 0 to " + bits);
        }
      }
      return new Cidr(bytes, prefix);
    }

    boolean contains(InetAddress address) {
      byte[] a = address.getAddress();
      if (a.length != network.length) {
        return false;
      }
      int full = prefix / 8;
      for (int i = 0; i < full; i++) {
        if (a[i] != network[i]) {
          return false;
        }
      }
      int rest = prefix % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (a[full] & mask) == (network[full] & mask);
    }
  }
}
