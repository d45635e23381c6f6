package dev.rekey.server.api;

import static dev.rekey.server.http.HandlerMode.BLOCKING;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.auth.Action;
import dev.rekey.core.crypto.VersionedText;
import dev.rekey.core.key.Key;
import dev.rekey.core.key.KeyType;
import dev.rekey.core.service.CryptoService;
import dev.rekey.core.service.KeyService;
import dev.rekey.server.http.ApiRouter;
import dev.rekey.server.http.HandlerMode;
import dev.rekey.server.http.Call;
import dev.rekey.server.http.Endpoint;
import dev.rekey.server.http.Reply;
import io.vertx.core.http.HttpMethod;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * A subset of HashiCorp Vault's transit engine API at {@code /v1/transit/}, over Rekey's keys of the
 * request's namespace, so that a Vault client can point {@code VAULT_ADDR} at Rekey (docs/api.md,
 * "Vault transit compatibility"). Ciphertexts are Rekey's own {@code rekey:v<N>:...} text, returned
 * and accepted unchanged. Write operations answer both POST and PUT, as Vault does (its CLI and Go
 * client write with PUT). Authorization and audit are those of the native endpoints.
 */
public final class VaultTransitEndpoints {
  private static final Set<String> ENCRYPT = Set.of("plaintext", "context", "key_version", "batch_input", "type");
  private static final Set<String> ENCRYPT_ITEM = Set.of("plaintext", "context", "key_version", "reference");
  private static final Set<String> DECRYPT = Set.of("ciphertext", "context", "batch_input");
  private static final Set<String> DECRYPT_ITEM = Set.of("ciphertext", "context", "reference");
  private static final Set<String> REWRAP = Set.of("ciphertext", "context", "key_version", "batch_input");
  private static final Set<String> REWRAP_ITEM = Set.of("ciphertext", "context", "key_version", "reference");
  private static final Set<String> DATAKEY = Set.of("context", "bits");
  private static final Set<String> CREATE = Set.of("type", "exportable", "derived", "convergent_encryption",
      "allow_plaintext_backup", "auto_rotate_period");
  private static final Set<String> NONE = Set.of();
  private static final String AES = "aes256-gcm96";
  private static final String WRAP_TTL_HEADER = "X-Vault-Wrap-TTL";

  private final CryptoService crypto;
  private final HandlerMode fromMemory;
  private final KeyService keys;

  public VaultTransitEndpoints(CryptoService crypto, KeyService keys, HandlerMode fromMemory) {
    this.crypto = crypto;
    this.fromMemory = fromMemory;
    this.keys = keys;
  }

  public void register(ApiRouter r) {
    write(r, "/v1/transit/encrypt/:name", Action.ENCRYPT, fromMemory, this::encrypt);
    write(r, "/v1/transit/decrypt/:name", Action.DECRYPT, fromMemory, this::decrypt);
    write(r, "/v1/transit/rewrap/:name", Action.REWRAP, fromMemory, this::rewrap);
    write(r, "/v1/transit/datakey/:type/:name", Action.DATAKEY, fromMemory, this::datakey);
    write(r, "/v1/transit/keys/:name", Action.KEY_CREATE, BLOCKING, this::create);
    r.route(HttpMethod.GET, "/v1/transit/keys/:name", Action.KEY_READ, BLOCKING, ApiRouter.Dialect.VAULT,
        unwrapped(this::read));
    write(r, "/v1/transit/keys/:name/rotate", Action.KEY_ROTATE, BLOCKING, this::rotate);
  }

  private static void write(ApiRouter r, String path, Action action, HandlerMode mode, Endpoint endpoint) {
    r.route(HttpMethod.POST, path, action, mode, ApiRouter.Dialect.VAULT, unwrapped(endpoint));
    r.route(HttpMethod.PUT, path, action, mode, ApiRouter.Dialect.VAULT, unwrapped(endpoint));
  }

  /**
   * Response wrapping ({@code X-Vault-Wrap-TTL}) is not implemented: such a request is refused (400)
   * rather than answered with the data itself (a plaintext, a data key) where the client asked for
   * a single-use wrapping token, so that whoever relays the answer would not see it.
   */
  private static Endpoint unwrapped(Endpoint endpoint) {
    return c -> {
      if (c.header(WRAP_TTL_HEADER) != null) {
        throw RekeyException.invalid("response wrapping (" + WRAP_TTL_HEADER + ") is not supported by Rekey");
      }
      return endpoint.handle(c);
    };
  }

  private Object encrypt(Call c) {
    VaultBody body = VaultBody.of(c, ENCRYPT);
    String type = body.string("type"); // only meaningful to Vault when it creates the key on the fly
    if (type != null && !type.equals(AES)) {
      throw RekeyException.invalid("parameter 'type' must be " + AES + " (encrypt never creates a key here)");
    }
    List<VaultBody> items = body.batch(CryptoEndpoints.MAX_BATCH, ENCRYPT_ITEM);
    if (items != null) {
      onlyBatch(body, "plaintext", "context", "key_version");
      return batch(c, items, null, item -> {
        CryptoService.Produced p = encryptOne(c, item);
        return new VaultViews.CiphertextItem(p.text(), p.version(), reference(item), null);
      }, (item, error) -> new VaultViews.CiphertextItem(null, null, reference(item), error));
    }
    if (body.text("plaintext") == null) {
      throw RekeyException.invalid("missing plaintext to encrypt");
    }
    CryptoService.Produced p = encryptOne(c, body);
    c.auditVersion(p.version());
    return VaultViews.data(new VaultViews.Ciphertext(p.text(), p.version()));
  }

  private CryptoService.Produced encryptOne(Call c, VaultBody item) {
    byte[] bytes = item.bytes("plaintext", "missing plaintext to encrypt");
    try {
      int version = item.integer("key_version", 0);
      byte[] context = item.base64("context");
      return version == 0 ? crypto.encrypt(c.namespace(), c.keyName(), bytes, context)
          : crypto.encrypt(c.namespace(), c.keyName(), bytes, context, version);
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  private Object decrypt(Call c) {
    VaultBody body = VaultBody.of(c, DECRYPT);
    List<VaultBody> items = body.batch(CryptoEndpoints.MAX_BATCH, DECRYPT_ITEM);
    if (items != null) {
      onlyBatch(body, "ciphertext", "context");
      return batch(c, items, "versions", item -> new VaultViews.PlaintextItem(decryptOne(c, item), reference(item), null),
          (item, error) -> new VaultViews.PlaintextItem(null, reference(item), error));
    }
    return VaultViews.data(new VaultViews.Plaintext(decryptOne(c, body)));
  }

  private String decryptOne(Call c, VaultBody item) {
    String ciphertext = required(item, "ciphertext", "missing ciphertext to decrypt");
    c.auditVersion(VersionedText.claimedVersion(ciphertext)); // also when refused: which version was tried
    CryptoService.Decrypted d = crypto.decrypt(c.namespace(), c.keyName(), ciphertext, item.base64("context"));
    return encodeAndWipe(d.plaintext());
  }

  private Object rewrap(Call c) {
    VaultBody body = VaultBody.of(c, REWRAP);
    List<VaultBody> items = body.batch(CryptoEndpoints.MAX_BATCH, REWRAP_ITEM);
    if (items != null) {
      onlyBatch(body, "ciphertext", "context", "key_version");
      return batch(c, items, "from_versions", item -> {
        CryptoService.Produced p = rewrapOne(c, item);
        return new VaultViews.CiphertextItem(p.text(), p.version(), reference(item), null);
      }, (item, error) -> new VaultViews.CiphertextItem(null, null, reference(item), error));
    }
    String ciphertext = required(body, "ciphertext", "missing ciphertext to rewrap");
    int from = VersionedText.claimedVersion(ciphertext);
    if (from > 0) {
      c.auditDetails("{\"from_version\":" + from + "}"); // the version read, as the native rewrap records it
    }
    CryptoService.Produced p = rewrapOne(c, body);
    c.auditVersion(p.version());
    return VaultViews.data(new VaultViews.Ciphertext(p.text(), p.version()));
  }

  private CryptoService.Produced rewrapOne(Call c, VaultBody item) {
    String ciphertext = required(item, "ciphertext", "missing ciphertext to rewrap");
    int version = item.integer("key_version", 0);
    byte[] context = item.base64("context");
    return version == 0 ? crypto.rewrap(c.namespace(), c.keyName(), ciphertext, context)
        : crypto.rewrap(c.namespace(), c.keyName(), ciphertext, context, version);
  }

  /** {@code datakey/plaintext/:name} returns the data key and its ciphertext; {@code wrapped} only the ciphertext. */
  private Object datakey(Call c) {
    String type = c.pathParam("type");
    if (!"plaintext".equals(type) && !"wrapped".equals(type)) {
      throw RekeyException.invalid("the data key type in the path must be 'plaintext' or 'wrapped'");
    }
    VaultBody body = VaultBody.of(c, DATAKEY);
    int bits = body.integer("bits", 256);
    if (bits != 8 * CryptoService.DATA_KEY_LENGTH) {
      throw RekeyException.invalid("parameter 'bits' must be 256: Rekey's data keys are AES-256 keys");
    }
    boolean wrapped = type.equals("wrapped");
    CryptoService.DataKey k = crypto.dataKey(c.namespace(), c.keyName(), body.base64("context"), wrapped);
    c.auditVersion(k.version());
    c.auditDetails(wrapped ? "{\"wrapped_only\":true}" : "{\"wrapped_only\":false}");
    return VaultViews.data(new VaultViews.DataKey(k.plaintext() == null ? null : encodeAndWipe(k.plaintext()),
        k.ciphertext(), k.version()));
  }

  /** Vault creates a key if it does not exist and otherwise answers the existing one with a warning. */
  private Object create(Call c) {
    VaultBody body = VaultBody.of(c, CREATE);
    String type = body.string("type");
    if (type != null && !type.equals(AES)) {
      throw RekeyException.invalid("key type '" + type + "' is not supported here; supported: " + AES);
    }
    for (String flag : List.of("derived", "convergent_encryption", "allow_plaintext_backup")) {
      if (body.bool(flag, false)) {
        throw RekeyException.invalid("parameter '" + flag + "' is not supported by Rekey");
      }
    }
    if (body.integer("auto_rotate_period", 0) != 0) {
      throw RekeyException.invalid("parameter 'auto_rotate_period' is not supported; use a rotation policy");
    }
    boolean exportable = body.bool("exportable", false);
    try {
      Key key = keys.create(c.namespace(), c.keyName(), KeyType.AES256_GCM, null, exportable);
      c.auditVersion(1);
      return VaultViews.data(VaultViews.key(key));
    } catch (RekeyException e) {
      if (e.code() != ErrorCode.ALREADY_EXISTS) {
        throw e;
      }
    }
    Key existing = keys.get(c.namespace(), c.keyName());
    c.auditDetails("{\"existed\":true}");
    String warning = "key " + existing.name() + " already existed";
    return c.principal().may(Action.KEY_READ, c.namespace(), existing.name())
        ? VaultViews.withWarning(VaultViews.key(existing), warning) : VaultViews.withWarning(null, warning);
  }

  private Object read(Call c) {
    Key key = keys.get(c.namespace(), c.keyName());
    c.auditVersion(key.primary().number());
    return VaultViews.data(VaultViews.key(key));
  }

  private Object rotate(Call c) {
    VaultBody.of(c, NONE);
    VaultViews.vaultType(keys.get(c.namespace(), c.keyName()).type()); // refuse types this subset does not serve
    Key key = keys.rotate(c.namespace(), c.keyName(), true);
    c.auditVersion(key.primary().number());
    return VaultViews.data(VaultViews.key(key));
  }

  /**
   * Runs a batch item by item, as Vault does: a bad item carries its error and the others still run;
   * the answer is 400 when any item failed. A missing key, a key of another type or a sealed
   * server fails the whole request.
   *
   * <p>A batch that reads ciphertexts ({@code versionsField} not null) names, as the native batches
   * do, the versions its items claimed (read, or tried when refused), also when it is refused as a
   * whole: what a compromise assessment looks for in the trail.
   */
  private static <R> Object batch(Call c, List<VaultBody> items, String versionsField, Function<VaultBody, R> op,
      java.util.function.BiFunction<VaultBody, String, R> failed) {
    List<R> results = new ArrayList<>(items.size());
    SortedSet<Integer> claimed = new TreeSet<>();
    int errors = 0;
    for (VaultBody item : items) {
      try {
        if (versionsField != null) {
          int v = VersionedText.claimedVersion(item.string("ciphertext"));
          if (v > 0) {
            claimed.add(v);
          }
        }
        results.add(op.apply(item));
      } catch (RekeyException e) {
        if (e.code() == ErrorCode.NOT_FOUND || e.code() == ErrorCode.UNSUPPORTED_OPERATION
            || e.code() == ErrorCode.SEALED) {
          c.auditVersion(0);
          c.auditDetails("{\"batch\":" + items.size() + versions(versionsField, claimed) + "}");
          throw e;
        }
        results.add(failed.apply(item, e.getMessage()));
        errors++;
      }
    }
    c.auditVersion(0);
    c.auditDetails("{\"batch\":" + items.size() + ",\"errors\":" + errors + versions(versionsField, claimed) + "}");
    Object body = VaultViews.data(new VaultViews.Batch(results));
    return errors == 0 ? body : new Reply(400, body);
  }

  private static String versions(String field, SortedSet<Integer> claimed) {
    return field == null ? "" : ",\"" + field + "\":" + claimed;
  }

  private static void onlyBatch(VaultBody body, String... single) {
    for (String field : single) {
      if (body.has(field)) {
        throw RekeyException.invalid("send either 'batch_input' or '" + field + "', not both");
      }
    }
  }

  private static String reference(VaultBody item) {
    String ref = item.text("reference");
    return ref == null ? "" : ref;
  }

  private static String required(VaultBody item, String field, String missing) {
    String value = item.string(field);
    if (value == null) {
      throw RekeyException.invalid(missing);
    }
    return value;
  }

  private static String encodeAndWipe(byte[] plaintext) {
    String s = Call.encode(plaintext);
    Arrays.fill(plaintext, (byte) 0);
    return s;
  }
}
