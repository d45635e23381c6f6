package dev.rekey.server.net;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.StringJoiner;
import javax.net.SocketFactory;

/**
 * Sockets that connect a host name only to an address the {@link OutboundPolicy} checked for it
 * ({@link OutboundPolicy#addressesToConnect}), for the PostgreSQL driver: it asks a socket to connect
 * to the host of its URL, and the socket connects to the address pinned for that name instead of
 * looking it up again (a name it has none for is refused). The driver sets up TLS over the socket
 * with the host name, so SNI and {@code sslmode=verify-full} still check the name.
 *
 * <p>The driver makes the factory itself, by class name, from the connection properties
 * {@link #pin} sets. One address per name: a socket that failed to connect is closed and cannot try
 * another, so a caller trying a name's other addresses connects again with other pins.
 */
public final class PinnedSocketFactory extends SocketFactory {
  /** The connection property carrying the pins: {@code host=address} pairs, URL-encoded, comma-separated. */
  static final String PINS_PROPERTY = "rekeyPinnedAddresses";

  private final Map<String, InetAddress> pins;

  /** Called by the driver with the connection's properties. */
  public PinnedSocketFactory(Properties info) throws IOException {
    this.pins = decode(info.getProperty(PINS_PROPERTY, ""));
  }

  /** Makes the driver connect {@code info}'s connection through this factory, each host only to its address in {@code pins}. */
  public static void pin(Properties info, Map<String, InetAddress> pins) {
    StringJoiner text = new StringJoiner(",");
    pins.forEach((host, address) -> text.add(encode(key(host)) + "=" + encode(address.getHostAddress())));
    info.setProperty("socketFactory", PinnedSocketFactory.class.getName());
    info.setProperty(PINS_PROPERTY, text.toString());
  }

  @Override
  public Socket createSocket() {
    return new PinnedSocket();
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    Socket s = new PinnedSocket();
    s.connect(InetSocketAddress.createUnresolved(host, port));
    return s;
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localAddress, int localPort) throws IOException {
    Socket s = new PinnedSocket();
    s.bind(new InetSocketAddress(localAddress, localPort));
    s.connect(InetSocketAddress.createUnresolved(host, port));
    return s;
  }

  @Override
  public Socket createSocket(InetAddress address, int port) throws IOException {
    throw new SocketException("connect by host name, to the address checked for it");
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
    throw new SocketException("connect by host name, to the address checked for it");
  }

  /** A socket that connects a host name to its pinned address. */
  private final class PinnedSocket extends Socket {
    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
      if (!(endpoint instanceof InetSocketAddress named)) {
        throw new SocketException("not an internet address");
      }
      InetAddress pinned = pins.get(key(named.getHostString()));
      if (pinned == null) {
        throw new ConnectException(named.getHostString() + " was not checked against the server's outbound_deny");
      }
      super.connect(new InetSocketAddress(pinned, named.getPort()), timeout);
    }
  }

  private static String key(String host) {
    String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    return bare.toLowerCase(Locale.ROOT);
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  private static Map<String, InetAddress> decode(String text) throws IOException {
    Map<String, InetAddress> pins = new HashMap<>();
    for (String pair : text.split(",")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        String address = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        // a literal address: InetAddress reads it without a lookup
        pins.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), InetAddress.getByName(address));
      }
    }
    return pins;
  }
}
