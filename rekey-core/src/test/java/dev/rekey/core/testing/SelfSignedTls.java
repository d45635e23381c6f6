package dev.rekey.core.testing;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/** A self-signed EC certificate (for 127.0.0.1 unless told otherwise), made with the JDK's keytool, as PEM files for a TLS server. */
public final class SelfSignedTls {
  /** The certificate and its private key as PEM files, and the certificate itself (to trust it). */
  public record Pems(Path certFile, Path keyFile, Certificate certificate) {}

  private SelfSignedTls() {}

  public static Pems create(Path dir) throws Exception {
    return create(dir, "127.0.0.1", "ip:127.0.0.1");
  }

  /** For {@code name}, with subject alternative names {@code san} (keytool's form: {@code dns:a.test,ip:10.0.0.1}). */
  public static Pems create(Path dir, String name, String san) throws Exception {
    Path p12 = dir.resolve("tls.p12");
    Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "rekey", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
        "-ext", "san=" + san, "-validity", "2", "-storetype", "PKCS12", "-keystore", p12.toString(),
        "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
    try (InputStream out = keytool.getInputStream()) {
      out.readAllBytes();
    }
    if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
      throw new IllegalStateException("keytool could not make a certificate");
    }
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(p12)) {
      ks.load(in, "changeit".toCharArray());
    }
    Certificate cert = ks.getCertificate("rekey");
    Base64.Encoder pem = Base64.getMimeEncoder(64, "\n".getBytes());
    Path certFile = dir.resolve("cert.pem");
    Path keyFile = dir.resolve("key.pem");
    Files.writeString(certFile, "-----BEGIN CERTIFICATE-----\n" + pem.encodeToString(cert.getEncoded())
        + "\n-----END CERTIFICATE-----\n");
    Files.writeString(keyFile, "-----BEGIN PRIVATE KEY-----\n"
        + pem.encodeToString(ks.getKey("rekey", "changeit".toCharArray()).getEncoded()) + "\n-----END PRIVATE KEY-----\n");
    return new Pems(certFile, keyFile, cert);
  }
}
