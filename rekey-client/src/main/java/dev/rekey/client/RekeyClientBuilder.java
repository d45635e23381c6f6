package dev.rekey.client;

import dev.rekey.api.ApiPaths;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Configures a {@link RekeyClient}; every setting is checked once in {@link #build()}. */
public final class RekeyClientBuilder {
  public static final String DEFAULT_ADDRESS = "http://127.0.0.1:8200";
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  /** Retries of a request refused with 429 {@code too_many_requests} (the server did not run it). */
  public static final int DEFAULT_MAX_RETRIES = 2;

  private String address = DEFAULT_ADDRESS;
  private String token;
  private String namespace = ApiPaths.DEFAULT_NAMESPACE;
  private Duration timeout = DEFAULT_TIMEOUT;
  private HttpClient httpClient;
  private Path caCertificates;
  private int maxRetries = DEFAULT_MAX_RETRIES;

  RekeyClientBuilder() {}

  /**
   * A builder from REKEY_ADDR, REKEY_TOKEN, REKEY_NAMESPACE and REKEY_CACERT in {@code env}; unset
   * (or empty) ones keep defaults.
   */
  public static RekeyClientBuilder fromEnvironment(Map<String, String> env) {
    RekeyClientBuilder builder = new RekeyClientBuilder();
    String addr = env.get("REKEY_ADDR");
    if (addr != null && !addr.isBlank()) {
      builder.address(addr.trim());
    }
    String tok = env.get("REKEY_TOKEN");
    if (tok != null && !tok.isBlank()) {
      builder.token(tok.trim());
    }
    String ns = env.get("REKEY_NAMESPACE");
    if (ns != null && !ns.isBlank()) {
      builder.namespace(ns.trim());
    }
    String ca = env.get("REKEY_CACERT");
    if (ca != null && !ca.isBlank()) {
      builder.caCertificates(Path.of(ca.trim()));
    }
    return builder;
  }

  /** Base address such as {@code http://127.0.0.1:8200} (no path). */
  public RekeyClientBuilder address(String address) {
    this.address = address;
    return this;
  }

  /**
   * Bearer token; null for the unauthenticated endpoints (health, seal-status, init, unseal).
   * Surrounding whitespace (a line end read from a file) is dropped; {@link #build()} refuses any
   * other whitespace or non-printable-ASCII character, without showing the token.
   */
  public RekeyClientBuilder token(String token) {
    this.token = token;
    return this;
  }

  public RekeyClientBuilder namespace(String namespace) {
    this.namespace = namespace;
    return this;
  }

  /** Per-request timeout (connect and answer). */
  public RekeyClientBuilder timeout(Duration timeout) {
    this.timeout = timeout;
    return this;
  }

  /** A JDK HttpClient to use (for TLS settings or proxies); by default one is created. */
  public RekeyClientBuilder httpClient(HttpClient httpClient) {
    this.httpClient = httpClient;
    return this;
  }

  /**
   * Trust the server certificates signed by the CA certificates in this PEM file (one or more
   * {@code -----BEGIN CERTIFICATE-----} blocks) instead of the JDK's default trust store: for a
   * server whose certificate a private CA signed (as Vault's VAULT_CACERT). Not with {@link #httpClient}.
   */
  public RekeyClientBuilder caCertificates(Path pemFile) {
    this.caCertificates = pemFile;
    return this;
  }

  public RekeyClient build() {
    if (address == null || address.isBlank()) {
      throw new IllegalArgumentException("address is required, e.g. http://127.0.0.1:8200");
    }
    URI uri;
    try {
      uri = URI.create(address.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("address must be a URL such as http://127.0.0.1:8200: " + address);
    }
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
      throw new IllegalArgumentException("address must start with http:// or https://: " + address);
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("address has no host: " + address);
    }
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive");
    }
    String bearer = token == null ? null : token.strip();
    if (bearer != null && !bearer.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      // the HTTP client's own error would quote the whole header, token included
      throw new IllegalArgumentException("token contains whitespace or characters other than printable ASCII");
    }
    String checkedNamespace = requireNamespace(namespace);
    if (httpClient != null && caCertificates != null) {
      throw new IllegalArgumentException("give either an HttpClient or CA certificates, not both");
    }
    HttpClient http = httpClient;
    if (http == null) {
      HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1);
      if (caCertificates != null) {
        b.sslContext(trusting(caCertificates));
      }
      http = b.build();
    }
    Transport transport = new Transport(http, address.trim(), bearer, timeout, Json.newMapper(), maxRetries);
    return new RekeyClient(transport, checkedNamespace);
  }

  /**
   * How often a request the server refused with 429 is sent again (0 to 10; default
   * {@value #DEFAULT_MAX_RETRIES}): after the server's {@code Retry-After} (up to 10 seconds; longer
   * and the 429 goes to the caller at once) or a short growing pause. A 429 means the server did
   * not run the request, so this is safe for every method.
   */
  public RekeyClientBuilder maxRetries(int retries) {
    if (retries < 0 || retries > 10) {
      throw new IllegalArgumentException("maxRetries must be 0 to 10, got " + retries);
    }
    this.maxRetries = retries;
    return this;
  }

  /** A TLS context that trusts exactly the certificates in {@code pemFile}. */
  static SSLContext trusting(Path pemFile) {
    Collection<? extends Certificate> certificates;
    try (InputStream in = Files.newInputStream(pemFile)) {
      certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
    } catch (IOException | CertificateException e) {
      throw new IllegalArgumentException("cannot read CA certificates from " + pemFile + ": " + e.getMessage());
    }
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException("no certificate in " + pemFile + " (expected PEM: -----BEGIN CERTIFICATE-----)");
    }
    try {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      int i = 0;
      for (Certificate c : certificates) {
        trust.setCertificateEntry("ca-" + i++, c);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot set up TLS with the certificates in " + pemFile, e);
    }
  }

  /** A namespace that is not empty and can be sent as a header value (no control characters). */
  static String requireNamespace(String namespace) {
    if (namespace == null || namespace.isBlank()) {
      throw new IllegalArgumentException("namespace must not be empty");
    }
    if (namespace.chars().anyMatch(c -> c < 0x20 || c == 0x7f || c > 0xff)) {
      throw new IllegalArgumentException("namespace must not contain control characters or characters beyond U+00FF");
    }
    return namespace;
  }

  @Override
  public String toString() {
    return "RekeyClientBuilder[address=" + address + ", namespace=" + namespace + ", caCertificates=" + caCertificates
        + ", token=redacted]";
  }
}
