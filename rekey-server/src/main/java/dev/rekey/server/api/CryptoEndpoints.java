package dev.rekey.server.api;


import dev.rekey.api.BatchResponse;
import dev.rekey.api.CiphertextItem;
import dev.rekey.api.DatakeyRequest;
import dev.rekey.api.DatakeyResponse;
import dev.rekey.api.DecryptRequest;
import dev.rekey.api.DecryptResult;
import dev.rekey.api.EncryptItem;
import dev.rekey.api.EncryptRequest;
import dev.rekey.api.EncryptResult;
import dev.rekey.api.ErrorDetail;
import dev.rekey.api.MacRequest;
import dev.rekey.api.MacResponse;
import dev.rekey.api.MacVerifyRequest;
import dev.rekey.api.MacVerifyResponse;
import dev.rekey.api.RewrapRequest;
import dev.rekey.core.RekeyException;
import dev.rekey.core.auth.Action;
import dev.rekey.core.crypto.VersionedText;
import dev.rekey.core.service.CryptoService;
import dev.rekey.core.service.CryptoService.Decrypted;
import dev.rekey.core.service.CryptoService.Produced;
import dev.rekey.server.http.ApiRouter;
import dev.rekey.server.http.HandlerMode;
import dev.rekey.server.http.Call;
import dev.rekey.server.http.FlatFields;
import dev.rekey.server.http.RawJson;
import io.vertx.core.http.HttpMethod;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Encrypt, decrypt, rewrap, data keys and MACs. These run on the event loop: keys come from the
 * in-memory cache. Batches answer item by item; one bad item does not fail the others.
 */
public final class CryptoEndpoints {
  public static final int MAX_BATCH = 1000;
  private static final FlatFields ENCRYPT = FlatFields.of("b64:plaintext", "b64:context");
  private static final FlatFields DECRYPT = FlatFields.of("ciphertext", "b64:context");
  private final CryptoService crypto;
  /** On the event loop while the key is cached and fresh; otherwise on a worker (the reload reads the store). */
  private final HandlerMode fromMemory;

  /** {@code fromMemory}: where a route on one key runs ({@link HandlerMode#whileCached}). */
  public CryptoEndpoints(CryptoService crypto, HandlerMode fromMemory) {
    this.crypto = crypto;
    this.fromMemory = fromMemory;
  }

  public void register(ApiRouter r) {
    r.route(HttpMethod.POST, "/v1/keys/:name/encrypt", Action.ENCRYPT, fromMemory, this::encrypt);
    r.route(HttpMethod.POST, "/v1/keys/:name/decrypt", Action.DECRYPT, fromMemory, this::decrypt);
    r.route(HttpMethod.POST, "/v1/keys/:name/rewrap", Action.REWRAP, fromMemory, c -> rewrap(c, false));
    r.route(HttpMethod.POST, "/v1/keys/:name/emergency-rewrap", Action.EMERGENCY_REWRAP, fromMemory,
        c -> rewrap(c, true));
    r.route(HttpMethod.POST, "/v1/keys/:name/datakey", Action.DATAKEY, fromMemory, this::datakey);
    r.route(HttpMethod.POST, "/v1/keys/:name/mac", Action.MAC, fromMemory, this::mac);
    r.route(HttpMethod.POST, "/v1/keys/:name/mac/verify", Action.MAC, fromMemory, this::verifyMac);
  }

  private Object encrypt(Call c) {
    String ns = c.namespace();
    String key = c.keyName();
    FlatFields.Values flat = c.flatBody(ENCRYPT);
    if (flat != null && flat.bytes(0) != null) {
      return single(c, crypto.encrypt(ns, key, flat.bytes(0), flat.bytes(1)));
    }
    EncryptRequest req = c.body(EncryptRequest.class);
    if (req.batch() != null) {
      requireOnlyBatch(req.plaintext() != null || req.context() != null);
      return batch(c, req.batch(), (EncryptItem item) -> {
        Produced p = crypto.encrypt(ns, key, Call.requiredBase64("plaintext", item.plaintext()),
            Call.base64("context", item.context()));
        return new EncryptResult(p.text(), p.version(), null);
      }, e -> new EncryptResult(null, null, e));
    }
    return single(c, crypto.encrypt(ns, key, Call.requiredBase64("plaintext", req.plaintext()),
        Call.base64("context", req.context())));
  }

  private static RawJson single(Call c, Produced p) {
    c.auditVersion(p.version());
    return RawJson.versionedText("ciphertext", p.sealed());
  }

  private Object decrypt(Call c) {
    String ns = c.namespace();
    String key = c.keyName();
    FlatFields.Values flat = c.flatBody(DECRYPT);
    if (flat != null && flat.text(0) != null) {
      c.auditVersion(VersionedText.claimedVersion(flat.text(0))); // also when refused: which version was tried
      return single(c, crypto.decrypt(ns, key, flat.text(0), flat.bytes(1)));
    }
    DecryptRequest req = c.body(DecryptRequest.class);
    if (req.batch() != null) {
      requireOnlyBatch(req.ciphertext() != null || req.context() != null);
      java.util.SortedSet<Integer> tried = new java.util.TreeSet<>();
      BatchResponse<DecryptResult> done = batchNaming(c, req.batch().size(), ",\"versions\":", tried, () -> batch(c, req.batch(), (CiphertextItem item) -> {
        claim(tried, item.ciphertext());
        Decrypted d = crypto.decrypt(ns, key, required("ciphertext", item.ciphertext()),
            Call.base64("context", item.context()));
        return new DecryptResult(encodeAndWipe(d.plaintext()), d.version(), null);
      }, e -> new DecryptResult(null, null, e)));
      int errors = (int) done.batchResults().stream().filter(r -> r.error() != null).count();
      c.auditDetails(batchDetails(done.batchResults().size(), errors, ",\"versions\":" + tried));
      return done;
    }
    c.auditVersion(VersionedText.claimedVersion(req.ciphertext()));
    return single(c, crypto.decrypt(ns, key, required("ciphertext", req.ciphertext()),
        Call.base64("context", req.context())));
  }

  private static RawJson single(Call c, Decrypted d) {
    c.auditVersion(d.version());
    try {
      return RawJson.base64AndVersion("plaintext", d.plaintext(), d.version());
    } finally {
      Arrays.fill(d.plaintext(), (byte) 0);
    }
  }

  /** Rewrap; {@code emergency} also reads REVOKED versions (a separate, admin-only route). */
  private Object rewrap(Call c, boolean emergency) {
    String ns = c.namespace();
    String key = c.keyName();
    Rewrapper rewrapper = emergency ? crypto::emergencyRewrap : crypto::rewrap;
    FlatFields.Values flat = c.flatBody(DECRYPT);
    if (flat != null && flat.text(0) != null) {
      readFrom(c, flat.text(0));
      return single(c, rewrapper.rewrap(ns, key, flat.text(0), flat.bytes(1)));
    }
    RewrapRequest req = c.body(RewrapRequest.class);
    if (req.batch() != null) {
      requireOnlyBatch(req.ciphertext() != null || req.context() != null);
      java.util.SortedSet<Integer> read = new java.util.TreeSet<>();
      BatchResponse<EncryptResult> done = batchNaming(c, req.batch().size(), ",\"from_versions\":", read, () -> batch(c, req.batch(), (CiphertextItem item) -> {
        claim(read, item.ciphertext()); // also when refused: which versions were tried
        Produced p = rewrapper.rewrap(ns, key, required("ciphertext", item.ciphertext()),
            Call.base64("context", item.context()));
        return new EncryptResult(p.text(), p.version(), null);
      }, e -> new EncryptResult(null, null, e)));
      c.auditDetails(batchDetails(done.batchResults().size(), errors(done), ",\"from_versions\":" + read));
      return done;
    }
    readFrom(c, req.ciphertext());
    return single(c, rewrapper.rewrap(ns, key, required("ciphertext", req.ciphertext()),
        Call.base64("context", req.context())));
  }

  /**
   * A rewrap's record names the version it wrote and, in its details, the version its ciphertext
   * names (read, or tried when refused): the one a compromise assessment asks about (an emergency
   * rewrap reads a revoked version).
   */
  /** Adds the version {@code ciphertext} claims to {@code versions}, if it names one. */
  private static void claim(java.util.SortedSet<Integer> versions, String ciphertext) {
    int claimed = VersionedText.claimedVersion(ciphertext);
    if (claimed > 0) {
      versions.add(claimed);
    }
  }

  private static void readFrom(Call c, String ciphertext) {
    int claimed = VersionedText.claimedVersion(ciphertext);
    if (claimed > 0) {
      c.auditDetails("{\"from_version\":" + claimed + "}");
    }
  }

  @FunctionalInterface
  private interface Rewrapper {
    Produced rewrap(String namespace, String name, String ciphertext, byte[] context);
  }

  private Object datakey(Call c) {
    DatakeyRequest req = c.optionalBody(DatakeyRequest.class);
    boolean wrappedOnly = req != null && Boolean.TRUE.equals(req.wrappedOnly());
    CryptoService.DataKey k = crypto.dataKey(c.namespace(), c.keyName(),
        req == null ? null : Call.base64("context", req.context()), wrappedOnly);
    c.auditVersion(k.version());
    c.auditDetails(wrappedOnly ? "{\"wrapped_only\":true}" : "{\"wrapped_only\":false}");
    return new DatakeyResponse(k.ciphertext(), k.plaintext() == null ? null : encodeAndWipe(k.plaintext()), k.version());
  }

  private Object mac(Call c) {
    MacRequest req = c.body(MacRequest.class);
    Produced p = crypto.mac(c.namespace(), c.keyName(), Call.requiredBase64("message", req.message()));
    c.auditVersion(p.version());
    return new MacResponse(p.text(), p.version());
  }

  private Object verifyMac(Call c) {
    MacVerifyRequest req = c.body(MacVerifyRequest.class);
    boolean valid = crypto.verifyMac(c.namespace(), c.keyName(), Call.requiredBase64("message", req.message()),
        required("mac", req.mac()));
    c.auditDetails(valid ? "{\"valid\":true}" : "{\"valid\":false}");
    return new MacVerifyResponse(valid);
  }

  private static <I, R> BatchResponse<R> batch(Call c, List<I> items, Function<I, R> op,
      Function<ErrorDetail, R> failed) {
    if (items.isEmpty() || items.size() > MAX_BATCH) {
      throw RekeyException.invalid("a batch holds 1 to " + MAX_BATCH + " items");
    }
    List<R> results = new ArrayList<>(items.size());
    int errors = 0;
    for (I item : items) {
      if (item == null) {
        results.add(failed.apply(new ErrorDetail("invalid_request", "batch item is null")));
        errors++;
        continue;
      }
      try {
        results.add(op.apply(item));
      } catch (RekeyException e) {
        if (e.code() == dev.rekey.api.ErrorCode.NOT_FOUND || e.code() == dev.rekey.api.ErrorCode.UNSUPPORTED_OPERATION
            || e.code() == dev.rekey.api.ErrorCode.SEALED) {
          throw e;
        }
        results.add(failed.apply(new ErrorDetail(e.code().wire(), e.getMessage())));
        errors++;
      }
    }
    c.auditDetails(batchDetails(items.size(), errors, ""));
    return new BatchResponse<>(results);
  }

  /**
   * Runs a batch that reads ciphertexts; when it is refused as a whole (no such key, a key of
   * another type, sealed), its record still names the versions its items claimed so far.
   */
  private static <R> R batchNaming(Call c, int items, String field, java.util.SortedSet<Integer> versions,
      java.util.function.Supplier<R> run) {
    try {
      return run.get();
    } catch (RekeyException refused) {
      c.auditDetails("{\"batch\":" + items + field + versions + "}");
      throw refused;
    }
  }

  private static String batchDetails(int items, int errors, String more) {
    return "{\"batch\":" + items + ",\"errors\":" + errors + more + "}";
  }

  private static int errors(BatchResponse<EncryptResult> done) {
    return (int) done.batchResults().stream().filter(r -> r.error() != null).count();
  }

  private static void requireOnlyBatch(boolean singleFieldsToo) {
    if (singleFieldsToo) {
      throw RekeyException.invalid("send either a single item or 'batch', not both");
    }
  }

  private static String required(String field, String value) {
    if (value == null) {
      throw RekeyException.invalid("field '" + field + "' is required");
    }
    return value;
  }

  private static String encodeAndWipe(byte[] plaintext) {
    String s = Call.encode(plaintext);
    Arrays.fill(plaintext, (byte) 0);
    return s;
  }
}
