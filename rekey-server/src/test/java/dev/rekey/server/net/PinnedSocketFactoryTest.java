package dev.rekey.server.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class PinnedSocketFactoryTest {
  @Test
  void socket_connectsAName_toItsPinnedAddress_andRefusesAnyOtherName() throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      Map<String, InetAddress> pins = new LinkedHashMap<>();
      pins.put("DB.Rebind.test", InetAddress.getByName("127.0.0.1"));
      // a name that would split a naive "host=address,..." text into a pin of its own
      pins.put("x=169.254.169.254,y", InetAddress.getByName("127.0.0.1"));
      Properties info = new Properties();
      PinnedSocketFactory.pin(info, pins);
      assertThat(info.getProperty("socketFactory")).isEqualTo(PinnedSocketFactory.class.getName());
      PinnedSocketFactory factory = new PinnedSocketFactory(info);

      try (Socket s = factory.createSocket()) {
        s.connect(InetSocketAddress.createUnresolved("db.rebind.TEST", listener.getLocalPort()), 2000);
        assertThat(s.getInetAddress().getHostAddress()).isEqualTo("127.0.0.1");
      }
      try (Socket s = factory.createSocket()) {
        assertThatThrownBy(() -> s.connect(InetSocketAddress.createUnresolved("x", listener.getLocalPort()), 2000))
            .isInstanceOf(ConnectException.class).hasMessageContaining("outbound_deny");
      }
      try (Socket s = factory.createSocket()) {
        assertThatThrownBy(() -> s.connect(new InetSocketAddress("127.0.0.1", listener.getLocalPort()), 2000))
            .as("an address is no name that was checked").isInstanceOf(ConnectException.class);
      }
      assertThatThrownBy(() -> factory.createSocket(InetAddress.getByName("127.0.0.1"), listener.getLocalPort()))
          .isInstanceOf(SocketException.class);
    }
  }
}
