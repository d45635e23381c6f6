package dev.rekey.bench;

import dev.rekey.core.crypto.NativeCrypto;
import dev.rekey.core.key.KeyType;
import dev.rekey.core.key.Names;
import dev.rekey.core.root.RootKeyring;
import dev.rekey.core.service.KeyCache;
import dev.rekey.core.service.KeyService;
import dev.rekey.core.service.SigningService;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link SigningService#sign} per key type (key created by {@link KeyService}, wrapped by a
 * generated root keyring, loaded once by the real {@link KeyCache}) next to the bare library call
 * the algorithm is built on: BouncyCastle's {@code Ed25519Signer}, the JDK's
 * {@code SHA256withECDSA}/{@code SHA384withECDSA} (DER output) and {@code RSASSA-PSS}. The
 * difference is the service's own cost: cache lookup, algorithm dispatch, P1363 form, base64 and
 * the {@code rekey:vN:} text. {@code nativeRawSign} is the same bare call through the native
 * provider (AWS-LC through ACCP), which the service uses for Ed25519 and ECDSA when it is
 * available ({@code NativeCrypto}). One operation signs a 256-byte message; results are
 * operations per second on one thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SigningBenchmark {
  private static final String NS = Names.DEFAULT_NAMESPACE;
  private static final String KEY = "bench-sign";

  @Param({"ed25519", "ecdsa-p256", "ecdsa-p384", "rsa-pss-2048"})
  public String type;

  private SigningService signing;
  private byte[] message;

  private Ed25519PrivateKeyParameters edKey;
  private KeyPair jcaPair;
  private Signature jcaSignature;
  private KeyPair nativePair;
  private Signature nativeSignature;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    RootKeyring keyring = RootKeyring.generate(Instant.now());
    BenchKeyRepository repo = new BenchKeyRepository();
    KeyCache cache = new KeyCache(repo, () -> keyring, Duration.ofMinutes(10));
    KeyService keys = new KeyService(repo, dev.rekey.core.port.Transactions.direct(), dev.rekey.core.port.EventOutbox.NONE, () -> keyring, cache, Clock.systemUTC(), Duration.ofDays(1));
    keys.create(NS, KEY, KeyType.fromWire(type), Map.of());
    signing = new SigningService(cache);

    SecureRandom random = new SecureRandom();
    message = new byte[256];
    random.nextBytes(message);
    signing.sign(NS, KEY, message, false); // loads the key pair into the cache

    switch (type) {
      case "ed25519" -> edKey = new Ed25519PrivateKeyParameters(random);
      case "ecdsa-p256", "ecdsa-p384" -> {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec(type.equals("ecdsa-p256") ? "secp256r1" : "secp384r1"));
        jcaPair = g.generateKeyPair();
        jcaSignature = Signature.getInstance(type.equals("ecdsa-p256") ? "SHA256withECDSA" : "SHA384withECDSA");
      }
      case "rsa-pss-2048" -> {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        jcaPair = g.generateKeyPair();
        jcaSignature = Signature.getInstance("RSASSA-PSS");
        jcaSignature.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
      }
      default -> throw new IllegalArgumentException(type);
    }
    java.security.Provider accp = NativeCrypto.provider().orElse(null);
    if (accp == null) {
      return; // nativeRawSign reports why; the other benchmarks measure the portable code
    }
    switch (type) {
      case "ed25519" -> {
        nativePair = KeyPairGenerator.getInstance("Ed25519", accp).generateKeyPair();
        nativeSignature = Signature.getInstance("Ed25519", accp);
      }
      case "ecdsa-p256", "ecdsa-p384" -> {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", accp);
        g.initialize(new ECGenParameterSpec(type.equals("ecdsa-p256") ? "secp256r1" : "secp384r1"));
        nativePair = g.generateKeyPair();
        nativeSignature = Signature.getInstance(type.equals("ecdsa-p256") ? "SHA256withECDSA" : "SHA384withECDSA", accp);
      }
      default -> {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA", accp);
        g.initialize(2048);
        nativePair = g.generateKeyPair();
        nativeSignature = Signature.getInstance("RSASSA-PSS", accp);
        nativeSignature.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
      }
    }
  }

  /** The native provider's bare call, with a key already loaded into it. */
  @Benchmark
  public byte[] nativeRawSign() throws Exception {
    if (nativeSignature == null) {
      throw new IllegalStateException("native crypto is " + NativeCrypto.status());
    }
    nativeSignature.initSign(nativePair.getPrivate());
    nativeSignature.update(message);
    return nativeSignature.sign();
  }

  /** The service: cache lookup, sign with the primary, text form {@code rekey:v1:<base64>}. */
  @Benchmark
  public String serviceSign() {
    return signing.sign(NS, KEY, message, false).text();
  }

  /** The library alone, with a key already in memory. */
  @Benchmark
  public byte[] rawSign() throws Exception {
    if (edKey != null) {
      Ed25519Signer s = new Ed25519Signer();
      s.init(true, edKey);
      s.update(message, 0, message.length);
      return s.generateSignature();
    }
    jcaSignature.initSign(jcaPair.getPrivate());
    jcaSignature.update(message);
    return jcaSignature.sign();
  }
}
