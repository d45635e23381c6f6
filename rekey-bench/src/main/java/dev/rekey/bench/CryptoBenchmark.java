package dev.rekey.bench;

import dev.rekey.core.crypto.AesGcm;
import dev.rekey.core.crypto.Randomness;
import dev.rekey.core.key.KeyType;
import dev.rekey.core.key.Names;
import dev.rekey.core.root.RootKeyring;
import dev.rekey.core.service.CryptoService;
import dev.rekey.core.service.KeyCache;
import dev.rekey.core.service.KeyService;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
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
 * The cryptographic hot path of the service without HTTP: {@link CryptoService} encrypt, decrypt,
 * rewrap and MAC through the real {@link KeyCache} and {@link KeyService} (keys created by the
 * service, wrapped by a generated root keyring, stored in memory), next to bare JCA AES-256-GCM
 * and HMAC-SHA256 of the same sizes. The difference between the two is the service's own cost:
 * cache lookup, version checks, associated data, base64 and the {@code rekey:vN:} text form.
 *
 * <p>Results are average time per operation; one operation is one request's worth of work.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CryptoBenchmark {
  private static final String NS = Names.DEFAULT_NAMESPACE;
  private static final String AES_KEY = "bench-aes";
  private static final String MAC_KEY = "bench-mac";

  @Param({"64", "1024"})
  public int size;

  private CryptoService crypto;
  private byte[] plaintext;
  private String ciphertext;

  private SecretKey jcaKey;
  private SecretKey jcaMacKey;
  private Cipher jcaCipher;
  private Mac jcaMac;
  private SecureRandom random;
  private byte[] jcaCiphertext;
  private byte[] aad;
  private long counter;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    RootKeyring keyring = RootKeyring.generate(Instant.now());
    BenchKeyRepository repo = new BenchKeyRepository();
    // the same shape as the server: a long-lived cache in front of the repository
    // usage counted as in the server: counters on the cache entries, time from a coarse tick
    dev.rekey.core.usage.UsageCounter usage = new dev.rekey.core.usage.UsageCounter(Clock.systemUTC());
    usage.tick();
    KeyCache cache = new KeyCache(repo, () -> keyring, Duration.ofMinutes(10), usage);
    KeyService keys = new KeyService(repo, dev.rekey.core.port.Transactions.direct(), dev.rekey.core.port.EventOutbox.NONE, () -> keyring, cache, Clock.systemUTC(), Duration.ofDays(1));
    keys.create(NS, AES_KEY, KeyType.AES256_GCM, Map.of());
    keys.create(NS, MAC_KEY, KeyType.HMAC_SHA256, Map.of());
    crypto = new CryptoService(cache);

    random = new SecureRandom();
    plaintext = new byte[size];
    random.nextBytes(plaintext);
    ciphertext = crypto.encrypt(NS, AES_KEY, plaintext, null).text();
    crypto.mac(NS, MAC_KEY, plaintext);

    byte[] raw = new byte[32];
    random.nextBytes(raw);
    jcaKey = new SecretKeySpec(raw, "AES");
    jcaMacKey = new SecretKeySpec(raw, "HmacSHA256");
    jcaCipher = Cipher.getInstance("AES/GCM/NoPadding");
    jcaMac = Mac.getInstance("HmacSHA256");
    aad = "rekey:v1:".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    jcaCiphertext = jcaEncrypt();
  }

  // ---- through the service (KeyCache + CryptoService + text form) ----

  @Benchmark
  public String serviceEncrypt() {
    return crypto.encrypt(NS, AES_KEY, plaintext, null).text();
  }

  @Benchmark
  public byte[] serviceDecrypt() {
    return crypto.decrypt(NS, AES_KEY, ciphertext, null).plaintext();
  }

  @Benchmark
  public String serviceRewrap() {
    return crypto.rewrap(NS, AES_KEY, ciphertext, null).text();
  }

  @Benchmark
  public String serviceMac() {
    return crypto.mac(NS, MAC_KEY, plaintext).text();
  }

  // ---- the core primitive alone (random nonce, thread-local Cipher) ----

  @Benchmark
  public byte[] coreAesGcmEncrypt() {
    return AesGcm.encrypt(jcaKey, plaintext, aad);
  }

  // ---- the nonce alone: the core's per-thread DRBG, and the platform default SecureRandom ----

  @Benchmark
  public byte[] nonceDrbg() {
    return Randomness.bytes(12);
  }

  @Benchmark
  public byte[] nonceDefaultSecureRandom() {
    byte[] nonce = new byte[12];
    random.nextBytes(nonce);
    return nonce;
  }

  /** GCM without the random number generator: a counter nonce (never repeats within the trial). */
  @Benchmark
  public byte[] jcaEncryptCounterNonce() throws Exception {
    byte[] nonce = new byte[12];
    long n = ++counter;
    for (int i = 0; i < 8; i++) {
      nonce[4 + i] = (byte) (n >>> (56 - 8 * i));
    }
    jcaCipher.init(Cipher.ENCRYPT_MODE, jcaKey, new GCMParameterSpec(128, nonce));
    jcaCipher.updateAAD(aad);
    byte[] out = new byte[12 + plaintext.length + 16];
    System.arraycopy(nonce, 0, out, 0, 12);
    jcaCipher.doFinal(plaintext, 0, plaintext.length, out, 12);
    return out;
  }

  // ---- bare JCA baseline: one Cipher/Mac reused, nonce from SecureRandom ----

  @Benchmark
  public byte[] jcaEncrypt() throws Exception {
    byte[] nonce = new byte[12];
    random.nextBytes(nonce);
    jcaCipher.init(Cipher.ENCRYPT_MODE, jcaKey, new GCMParameterSpec(128, nonce));
    jcaCipher.updateAAD(aad);
    byte[] out = new byte[12 + plaintext.length + 16];
    System.arraycopy(nonce, 0, out, 0, 12);
    jcaCipher.doFinal(plaintext, 0, plaintext.length, out, 12);
    return out;
  }

  @Benchmark
  public byte[] jcaDecrypt() throws Exception {
    jcaCipher.init(Cipher.DECRYPT_MODE, jcaKey, new GCMParameterSpec(128, jcaCiphertext, 0, 12));
    jcaCipher.updateAAD(aad);
    return jcaCipher.doFinal(jcaCiphertext, 12, jcaCiphertext.length - 12);
  }

  @Benchmark
  public byte[] jcaHmac() throws Exception {
    jcaMac.init(jcaMacKey);
    jcaMac.update(aad);
    return jcaMac.doFinal(plaintext);
  }
}
