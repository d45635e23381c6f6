package dev.rekey.server.rotators;

import dev.rekey.server.net.LookupTimeoutException;
import dev.rekey.server.net.OutboundPolicy;
import dev.rekey.server.net.OutboundRefusedException;
import dev.rekey.server.net.PinnedSocketFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Logs the {@link PostgresRotator} in to a URL the caller chose, through a
 * {@link PinnedSocketFactory}: the driver connects only to addresses the server's
 * {@code outbound_deny} allowed, from one lookup of each host, never to a second lookup of it.
 */
final class PinnedLogin {
  /** How many login attempts, one after the other, may fit in the time logging in may take. */
  static final int ATTEMPTS_IN_TIME = 3;

  private final OutboundPolicy outbound;
  private final Duration socketTimeout;
  private final long loginTimeoutSeconds;

  /**
   * @param socketTimeout the longest wait for an answer once logged in
   * @param loginTimeout the longest one login attempt may take (whole seconds, at least one); also
   *     the longest the URL's hosts may take to look up, together. Logging in takes at most
   *     {@link #ATTEMPTS_IN_TIME} of them, whatever the number of addresses to try.
   */
  PinnedLogin(OutboundPolicy outbound, Duration socketTimeout, Duration loginTimeout) {
    this.outbound = outbound;
    this.socketTimeout = socketTimeout;
    this.loginTimeoutSeconds = Math.max(1, loginTimeout.toSeconds());
  }

  /**
   * Logs in to {@code url} as {@code credentials}: each of its {@code hosts} is looked up once (all
   * of them within the login timeout), refused when the server's {@code outbound_deny} denies an
   * address of it, and connected only to addresses checked. A host that does not resolve gets no
   * address, so connecting to it fails (and the driver tries the URL's next host, as it would
   * have); when none resolves, the step fails saying why.
   *
   * <p>A host with several addresses: the first login attempt pins each host to its first address;
   * while the driver cannot connect (SQL state class 08, not a refused password) the next attempt
   * pins each host to its next address, each attempt with the login timeout, all of them within
   * {@link #ATTEMPTS_IN_TIME} login timeouts. The driver's last error when every attempt fails.
   */
  Connection connect(String url, List<String> hosts, Map<String, String> credentials) throws SQLException {
    long start = System.nanoTime();
    long loginNanos = TimeUnit.SECONDS.toNanos(loginTimeoutSeconds);
    Map<String, List<InetAddress>> checked = checkedAddresses(hosts, start + loginNanos);
    int attempts = checked.values().stream().mapToInt(List::size).max().orElse(0);
    long deadline = start + ATTEMPTS_IN_TIME * loginNanos;
    SQLException last = null;
    for (int attempt = 0; attempt < attempts; attempt++) {
      long secondsLeft = TimeUnit.NANOSECONDS.toSeconds(deadline - System.nanoTime());
      if (attempt > 0 && secondsLeft < 1) {
        break;
      }
      try {
        return DriverManager.getConnection(url, properties(credentials, pins(checked, attempt),
            Math.max(1, Math.min(loginTimeoutSeconds, secondsLeft))));
      } catch (SQLException e) {
        if (e.getSQLState() == null || !e.getSQLState().startsWith("08")) {
          throw e; // it connected: a refused password or role is the same at every address
        }
        last = e;
      }
    }
    throw last;
  }

  /** Each host's address for login attempt {@code attempt}; a host with fewer addresses gets none. */
  private static Map<String, InetAddress> pins(Map<String, List<InetAddress>> checked, int attempt) {
    Map<String, InetAddress> pins = new LinkedHashMap<>();
    checked.forEach((host, addresses) -> {
      if (attempt < addresses.size()) {
        pins.put(host, addresses.get(attempt));
      }
    });
    return pins;
  }

  /**
   * The addresses of each host, checked and in lookup order; hosts that do not resolve left out.
   * IllegalStateException when outbound_deny refuses a host (it resolved elsewhere since the
   * rotation was configured) or when no host resolves before {@code deadline}.
   */
  private Map<String, List<InetAddress>> checkedAddresses(List<String> hosts, long deadline) {
    Map<String, List<InetAddress>> checked = new LinkedHashMap<>();
    UnknownHostException unresolved = null;
    for (String host : hosts) {
      try {
        checked.put(host, outbound.addressesToConnect(host, Duration.ofNanos(deadline - System.nanoTime())));
      } catch (OutboundRefusedException e) {
        throw new IllegalStateException(e.getMessage());
      } catch (UnknownHostException e) {
        unresolved = e; // not pinned: the driver's connection to it fails
      }
    }
    if (checked.isEmpty()) {
      throw new IllegalStateException(unresolved instanceof LookupTimeoutException ? unresolved.getMessage()
          : "no host of rotation parameter 'url' resolves (" + String.join(",", hosts) + ")");
    }
    return checked;
  }

  private Properties properties(Map<String, String> credentials, Map<String, InetAddress> pins, long loginTimeout) {
    Properties p = new Properties();
    p.setProperty("user", credentials.get("username"));
    p.setProperty("password", credentials.get("password"));
    p.setProperty("loginTimeout", String.valueOf(loginTimeout));
    // a default: a URL's own socketTimeout (an allowed parameter) takes precedence in the driver
    p.setProperty("socketTimeout", String.valueOf(Math.max(1, socketTimeout.toSeconds())));
    PinnedSocketFactory.pin(p, pins);
    return p;
  }
}
