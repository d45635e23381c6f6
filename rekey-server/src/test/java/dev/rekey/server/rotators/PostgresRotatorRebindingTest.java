package dev.rekey.server.rotators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.core.secret.rotation.SecretRotator;
import dev.rekey.server.net.HostResolver;
import dev.rekey.server.net.OutboundPolicy;
import dev.rekey.server.net.RebindingResolver;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The postgresql rotator under DNS rebinding, against a real PostgreSQL listening on 127.0.0.1:
 * the URL's host {@code db.rebind.test} first resolves to 127.0.0.1 (allowed), then to 127.0.0.2
 * (denied), where a listener on the same port counts the connections that reach it. The driver
 * must log in at the address that was checked, or not at all.
 */
class PostgresRotatorRebindingTest {
  private static EmbeddedPostgres pg;

  /** One listener for the class: binding 127.0.0.2 on PostgreSQL's port again per test could fail. */
  private static ServerSocket deniedListener;
  private static final AtomicInteger deniedConnections = new AtomicInteger();
  private RebindingResolver dns;
  private PostgresRotator rotator;
  private Map<String, String> params;

  @BeforeAll
  static void startPostgres() throws Exception {
    pg = EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1").setServerConfig("fsync", "off")
        .start();
    try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
      st.execute("CREATE ROLE app_rebind LOGIN");
    }
    deniedListener = new ServerSocket();
    deniedListener.setReuseAddress(true);
    deniedListener.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), pg.getPort()));
    Thread accept = new Thread(() -> {
      while (!deniedListener.isClosed()) {
        try (Socket s = deniedListener.accept()) {
          deniedConnections.incrementAndGet();
        } catch (java.io.IOException e) {
          return;
        }
      }
    }, "denied-listener");
    accept.setDaemon(true);
    accept.start();
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    deniedListener.close();
    pg.close();
  }

  @BeforeEach
  void setUp() throws Exception {
    deniedConnections.set(0);
    dns = new RebindingResolver("db.rebind.test", "127.0.0.1", "127.0.0.2");
    rotator = new PostgresRotator(OutboundPolicy.of(List.of("127.0.0.2/32")).resolvingWith(dns));
    params = Map.of("url", "jdbc:postgresql://db.rebind.test:" + pg.getPort() + "/postgres",
        "admin_secret", "pg-admin", "username", "app_rebind");
  }

  private SecretRotator.Input input() {
    return new SecretRotator.Input("rot_1", "default", "app-db", params, null, 2,
        name -> "{\"username\":\"postgres\",\"password\":\"unused-trust-auth\"}".getBytes(StandardCharsets.UTF_8));
  }

  private static String passwordHash() throws Exception {
    try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT rolpassword FROM pg_authid WHERE rolname = 'app_rebind'")) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Test
  void set_logsInAtTheAddressItChecked_notAtASecondLookupOfTheName() throws Exception {
    String before = passwordHash();

    rotator.set(input(), rotator.create(input()));

    assertThat(dns.lookups()).as("the name is looked up once, for the check and the connection").isEqualTo(1);
    assertThat(passwordHash()).as("ALTER ROLE ran on the PostgreSQL at 127.0.0.1").isNotNull().isNotEqualTo(before);
    assertThat(deniedConnections).hasValue(0);
  }

  @Test
  void set_afterTheNameRebindsSinceTheUrlWasConfigured_failsTheStep_andNothingConnectsToTheDeniedAddress() {
    rotator.validate(params); // the check as the rotation is configured: 127.0.0.1

    assertThatThrownBy(() -> rotator.set(input(), rotator.create(input()))).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("outbound_deny").hasMessageContaining("127.0.0.2");
    assertThat(deniedConnections).hasValue(0);
  }

  @Test
  void set_whenTheNamesFirstAddressRefusesConnections_logsInAtItsNextAddress() throws Exception {
    // nothing listens on 127.0.0.3; the second address is the PostgreSQL at 127.0.0.1
    HostResolver twoAnswers = host -> new InetAddress[] {InetAddress.getByName("127.0.0.3"),
        InetAddress.getByName("127.0.0.1")};
    PostgresRotator twoAddresses = new PostgresRotator(OutboundPolicy.of(List.of("127.0.0.2/32"))
        .resolvingWith(twoAnswers));
    String before = passwordHash();

    twoAddresses.set(input(), twoAddresses.create(input()));

    assertThat(passwordHash()).isNotEqualTo(before);
  }

  @Test
  void set_whenNoAddressOfTheNameAcceptsAConnection_failsWithTheDriversLastError() throws Exception {
    HostResolver nowhere = host -> new InetAddress[] {InetAddress.getByName("127.0.0.3"),
        InetAddress.getByName("127.0.0.4")};
    PostgresRotator rotator = new PostgresRotator(OutboundPolicy.DEFAULT.resolvingWith(nowhere));

    assertThatThrownBy(() -> rotator.set(input(), rotator.create(input()))).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("SQL state 08001");
  }

  @Test
  void set_whenOneAddressOfSeveralIsDenied_isRefused_andConnectsNowhere() {
    HostResolver oneDenied = host -> new InetAddress[] {InetAddress.getByName("127.0.0.1"),
        InetAddress.getByName("127.0.0.2")};
    PostgresRotator rotator = new PostgresRotator(OutboundPolicy.of(List.of("127.0.0.2/32")).resolvingWith(oneDenied));

    assertThatThrownBy(() -> rotator.set(input(), rotator.create(input()))).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("outbound_deny").hasMessageContaining("127.0.0.2 is in 127.0.0.2/32");
    assertThat(deniedConnections).hasValue(0);
  }

  @Test
  void set_whenTheLookupHangs_failsAtTheLoginTimeout_sayingSo() {
    HostResolver hangs = host -> {
      try {
        Thread.sleep(60_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      throw new java.net.UnknownHostException(host);
    };
    PostgresRotator rotator = new PostgresRotator(OutboundPolicy.DEFAULT.resolvingWith(hangs));
    long start = System.nanoTime();

    assertThatThrownBy(() -> rotator.set(input(), rotator.create(input()))).isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("looking up db.rebind.test took longer than ");
    assertThat(java.time.Duration.ofNanos(System.nanoTime() - start))
        .isLessThan(PostgresRotator.LOGIN_TIMEOUT.plusSeconds(2));
  }
}
