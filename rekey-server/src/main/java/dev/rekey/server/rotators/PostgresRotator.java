package dev.rekey.server.rotators;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rekey.core.RekeyException;
import dev.rekey.core.secret.rotation.GeneratedRotator;
import dev.rekey.core.secret.rotation.SecretRotator;
import dev.rekey.server.net.OutboundPolicy;
import dev.rekey.server.net.PinnedSocketFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Rotates the password of a real PostgreSQL role. The secret's value is
 * {@code {"username":"...","password":"..."}}. Parameters: {@code url} (a jdbc:postgresql URL),
 * {@code admin_secret} (the name of a secret in the same namespace holding an administrator's
 * {@code {"username","password"}}), and either {@code username} (single-user strategy: the one role
 * gets a new password; clients holding the old one fail from SET until they re-read CURRENT) or
 * {@code usernames} {@code a,b} (alternating strategy: each rotation changes the role that is not
 * current, so whatever CURRENT holds always logs in: zero downtime).
 *
 * <p>The URL is the caller's choice, so it may name only hosts the server's {@code outbound_deny}
 * allows, and of the driver's URL parameters only {@link #URL_PARAMETERS}: others can make the
 * driver load classes or write files named by the caller (as {@code socketFactory},
 * {@code sslfactory} or {@code loggerFile} did in past driver advisories). The driver connects
 * through a {@link PinnedSocketFactory}, to the addresses checked against {@code outbound_deny},
 * trying a host's next address when one does not accept a connection.
 */
public final class PostgresRotator implements SecretRotator {
  public static final String TYPE = "postgresql";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ROLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
  private static final int PASSWORD_LENGTH = 32;
  /**
   * How long a statement may wait for the server's answer once logged in (the driver's
   * {@code socketTimeout}, unbounded by default): a server that hangs, or an ALTER ROLE waiting on a
   * lock another session holds, must not stop the secret rotation worker for good.
   */
  static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(30);
  /** The longest one login attempt may take (see {@link PinnedLogin}). */
  static final Duration LOGIN_TIMEOUT = Duration.ofSeconds(10);
  /** The URL parameters a rotation may set; the driver's own host, port and database keys aside. */
  public static final Set<String> URL_PARAMETERS = Set.of("sslmode", "ssl", "connectTimeout", "socketTimeout",
      "applicationName", "targetServerType", "currentSchema");
  private static final Set<String> URL_PARTS = Set.of("PGHOST", "PGPORT", "PGDBNAME");

  /** Time to spare in a step besides logging in and the statement (reading the secrets, closing). */
  static final Duration STEP_SPARE = Duration.ofSeconds(10);

  private final OutboundPolicy outbound;
  private final PinnedLogin login;
  private final Duration socketTimeout;

  /** {@code outbound}: the hosts it may not connect to (the server's {@code outbound_deny}). */
  public PostgresRotator(OutboundPolicy outbound) {
    this(outbound, SOCKET_TIMEOUT);
  }

  /** As above; {@code socketTimeout}: the longest wait for an answer once logged in (tests use a short one). */
  PostgresRotator(OutboundPolicy outbound, Duration socketTimeout) {
    this.outbound = outbound;
    this.socketTimeout = socketTimeout;
    this.login = new PinnedLogin(outbound, socketTimeout, LOGIN_TIMEOUT);
  }

  /**
   * SET and TEST each log in (at most {@link PinnedLogin#ATTEMPTS_IN_TIME} login timeouts, the
   * lookups included) and run one statement, which waits at most the socket timeout: the URL's
   * {@code socketTimeout} when it sets one (at most {@link #MAX_TIMEOUT_SECONDS}), this rotator's
   * otherwise; plus {@link #STEP_SPARE}. A URL that cannot be read counts as the longest allowed.
   */
  @Override
  public Duration maxStepDuration(Map<String, String> params) {
    return LOGIN_TIMEOUT.multipliedBy(PinnedLogin.ATTEMPTS_IN_TIME).plus(statementTimeout(params.get("url")))
        .plus(STEP_SPARE);
  }

  /** The longest a statement waits for the server's answer with this URL. */
  private Duration statementTimeout(String url) {
    Duration longest = Duration.ofSeconds(MAX_TIMEOUT_SECONDS);
    Properties parsed = url == null ? null : org.postgresql.Driver.parseURL(url, new Properties());
    if (parsed == null) {
      return longest;
    }
    String value = parsed.getProperty("socketTimeout");
    if (value == null) {
      return socketTimeout.compareTo(longest) > 0 ? longest : socketTimeout;
    }
    try {
      int seconds = Integer.parseInt(value.trim());
      return seconds < 1 || seconds > MAX_TIMEOUT_SECONDS ? longest : Duration.ofSeconds(seconds);
    } catch (NumberFormatException e) {
      return longest;
    }
  }

  @Override
  public String type() {
    return TYPE;
  }

  /** The administrator's credentials are sent to {@code url}: the caller must be allowed to read them. */
  @Override
  public Set<String> secretParams() {
    return Set.of("admin_secret");
  }

  /** It sets the value as the password of a role on the database url it is given. */
  @Override
  public boolean sendsValueToParams() {
    return true;
  }

  @Override
  public void validate(Map<String, String> params) {
    String url = params.get("url");
    if (url == null || !url.startsWith("jdbc:postgresql:")) {
      throw RekeyException.invalid("rotation parameter 'url' must be a jdbc:postgresql: URL");
    }
    hosts(url).forEach(host -> {
      String refused = outbound.refusal(host);
      if (refused != null) {
        throw RekeyException.invalid("rotation parameter 'url': " + refused);
      }
    });
    if (params.get("admin_secret") == null) {
      throw RekeyException.invalid("rotation parameter 'admin_secret' (a secret holding the administrator's"
          + " {\"username\",\"password\"}) is required");
    }
    if ((params.get("username") == null) == (params.get("usernames") == null)) {
      throw RekeyException.invalid("give rotation parameter 'username' (single user) or 'usernames' (a,b:"
          + " alternating users), not both");
    }
    roles(params).forEach(PostgresRotator::role);
  }

  @Override
  public byte[] create(Input in) {
    List<String> roles = roles(in.params());
    String next = roles.get(0);
    if (roles.size() == 2) {
      String current = credentials(in.current(), null).get("username");
      next = roles.get(0).equals(current) ? roles.get(1) : roles.get(0);
    }
    Map<String, String> value = new LinkedHashMap<>();
    value.put("username", next);
    value.put("password", GeneratedRotator.generate(alphabet(), PASSWORD_LENGTH));
    try {
      return JSON.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void set(Input in, byte[] pending) {
    Map<String, String> target = credentials(pending, "the pending value");
    Map<String, String> admin = credentials(in.otherSecret().apply(in.requiredParam("admin_secret")), "admin_secret");
    String role = role(target.get("username"));
    String password = target.get("password");
    if (!password.chars().allMatch(c -> alphabet().indexOf(c) >= 0)) {
      throw RekeyException.invalid("the pending password has characters this rotator does not generate");
    }
    try (Connection c = login.connect(in.requiredParam("url"), hosts(in.requiredParam("url")), admin); Statement st = c.createStatement()) {
      // The server gives up before this client does: an ALTER ROLE waiting on a lock past the
      // client's socketTimeout would otherwise still apply the password after the step failed
      // (and after its rotation may have been abandoned, the pending value disabled).
      long limit = Math.max(500, statementTimeout(in.requiredParam("url")).toMillis() * 9 / 10);
      st.execute("SET statement_timeout = " + limit);
      st.execute("SET lock_timeout = " + limit);
      // Identifiers cannot be bound; the role is validated and quoted, the password is alphanumeric.
      st.execute("ALTER ROLE \"" + role + "\" WITH LOGIN PASSWORD '" + password + "'");
    } catch (SQLException e) {
      throw new IllegalStateException("PostgreSQL refused ALTER ROLE " + role + " (SQL state " + e.getSQLState() + ")");
    }
  }

  @Override
  public void test(Input in, byte[] pending) {
    Map<String, String> target = credentials(pending, "the pending value");
    try (Connection c = login.connect(in.requiredParam("url"), hosts(in.requiredParam("url")), target); Statement st = c.createStatement()) {
      st.execute("SELECT 1");
    } catch (SQLException e) {
      throw new IllegalStateException("logging in as " + target.get("username") + " with the new password failed"
          + " (SQL state " + e.getSQLState() + ")");
    }
  }

  /**
   * The hosts of a jdbc:postgresql URL; INVALID_REQUEST when the driver cannot read it or it sets a
   * parameter outside {@link #URL_PARAMETERS}.
   */
  /** The longest {@code connectTimeout} or {@code socketTimeout} a rotation URL may ask for, in seconds. */
  static final int MAX_TIMEOUT_SECONDS = 300;

  /** 0 means "wait for ever" to the driver: a rotation would then hold the rotation worker for good. */
  private static void boundedSeconds(String name, String value) {
    int seconds;
    try {
      seconds = Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      seconds = -1;
    }
    if (seconds < 1 || seconds > MAX_TIMEOUT_SECONDS) {
      throw RekeyException.invalid("rotation parameter 'url': " + name + " must be from 1 to " + MAX_TIMEOUT_SECONDS
          + " seconds");
    }
  }

  static List<String> hosts(String url) {
    Properties parsed = org.postgresql.Driver.parseURL(url, new Properties());
    if (parsed == null) {
      throw RekeyException.invalid("rotation parameter 'url' is not a jdbc:postgresql URL the driver can read");
    }
    for (String name : parsed.stringPropertyNames()) {
      if (!URL_PARTS.contains(name) && !URL_PARAMETERS.contains(name)) {
        throw RekeyException.invalid("rotation parameter 'url' sets '" + name + "'; a rotation URL may set only "
            + new java.util.TreeSet<>(URL_PARAMETERS));
      }
      if (name.equals("connectTimeout") || name.equals("socketTimeout")) {
        boundedSeconds(name, parsed.getProperty(name));
      }
    }
    return List.of(parsed.getProperty("PGHOST", "localhost").split(","));
  }

  private static List<String> roles(Map<String, String> params) {
    String single = params.get("username");
    if (single != null) {
      return List.of(single);
    }
    List<String> roles = List.of(params.get("usernames").split(","));
    if (roles.size() != 2 || roles.get(0).equals(roles.get(1))) {
      throw RekeyException.invalid("rotation parameter 'usernames' must name two different roles: a,b");
    }
    return roles.stream().map(String::trim).toList();
  }

  private static String role(String name) {
    if (name == null || !ROLE.matcher(name).matches()) {
      throw RekeyException.invalid("'" + name + "' is not a PostgreSQL role name this rotator accepts");
    }
    return name;
  }

  /** {@code {"username","password"}} from a value; null {@code what} tolerates a value of another shape. */
  static Map<String, String> credentials(byte[] value, String what) {
    try {
      JsonNode n = JSON.readTree(new String(value, StandardCharsets.UTF_8));
      if (n != null && n.path("username").isTextual() && n.path("password").isTextual()) {
        return Map.of("username", n.get("username").asText(), "password", n.get("password").asText());
      }
    } catch (IOException e) {
      // reported below
    }
    if (what == null) {
      return Map.of();
    }
    throw RekeyException.invalid(what + " must be JSON {\"username\":\"...\",\"password\":\"...\"}");
  }

  private static String alphabet() {
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  }
}
