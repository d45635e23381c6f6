package dev.rekey.core.dek;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.crypto.Randomness;
import dev.rekey.core.crypto.SecretBytes;
import dev.rekey.core.key.KeyVersion;
import dev.rekey.core.key.Names;
import dev.rekey.core.port.DekRepository;
import dev.rekey.core.service.KeyCache;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Server-held per-tenant data keys (the envelope pattern with the DEK kept by Rekey). A tenant's
 * DEK lives under a KEK (an {@code aes256-gcm} key of the same namespace) and has versions:
 * rotating adds a new version, which becomes the one handed out by default; older versions stay
 * readable. New versions are wrapped with the KEK's primary; reading unwraps with the KEK version
 * the row names, which must still be allowed to decrypt (PRIMARY or ACTIVE, at or above the KEK's
 * minimum decryption version). Plaintext DEKs leave only through {@link #fetch}.
 */
public final class DekService {
  public static final int DEK_LENGTH = 32;
  public static final int MAX_PAGE = 1000;
  private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}");
  private static final int MAX_ATTEMPTS = 8;

  private final DekRepository deks;
  private final DekCipher cipher;
  private final Clock clock;

  public DekService(DekRepository deks, KeyCache cache, Clock clock) {
    this.deks = deks;
    this.cipher = new DekCipher(cache);
    this.clock = clock;
  }

  /** Creates version 1 of the tenant's DEK. ALREADY_EXISTS when the tenant has one under this KEK. */
  public StoredDek create(String namespace, String kek, String tenant) {
    validate(namespace, kek, tenant);
    KeyCache.Entry e = cipher.kek(namespace, kek);
    if (deks.latest(namespace, kek, tenant).isPresent()) {
      throw RekeyException.alreadyExists("tenant '" + tenant + "' already has a data key under key '" + kek + "'");
    }
    return insertVersion(e, tenant, 1);
  }

  /** Adds a new version of the tenant's DEK; it becomes the latest (the one fetched by default). */
  public StoredDek rotate(String namespace, String kek, String tenant) {
    validate(namespace, kek, tenant);
    for (int attempt = 1; ; attempt++) {
      KeyCache.Entry e = cipher.kek(namespace, kek);
      StoredDek latest = deks.latest(namespace, kek, tenant).orElseThrow(() -> notFound(namespace, kek, tenant));
      try {
        return insertVersion(e, tenant, latest.version() + 1);
      } catch (RekeyException ex) {
        if (ex.code() != ErrorCode.ALREADY_EXISTS || attempt >= MAX_ATTEMPTS) {
          throw ex.code() == ErrorCode.ALREADY_EXISTS
              ? RekeyException.concurrentModification("the data key was rotated concurrently; retry") : ex;
        }
      }
    }
  }

  /**
   * The tenant's DEK in the clear: the latest version, or {@code version} when not null. Fails
   * with the generic decryption failure when the KEK version wrapping it may no longer decrypt.
   */
  public UnwrappedDek fetch(String namespace, String kek, String tenant, Integer version) {
    StoredDek dek = metadata(namespace, kek, tenant, version);
    KeyCache.Entry e = cipher.kekWithVersion(namespace, kek, dek.kekVersion());
    if (!e.key().canDecryptWith(dek.kekVersion())) {
      throw RekeyException.decryptionFailed();
    }
    return new UnwrappedDek(dek, SecretBytes.wrap(cipher.unwrap(e, dek)));
  }

  /** Metadata of the latest version, or of {@code version}; never the key itself. */
  public StoredDek metadata(String namespace, String kek, String tenant, Integer version) {
    validate(namespace, kek, tenant);
    if (version != null) {
      if (version < 1) {
        throw RekeyException.invalid("version must be a positive integer");
      }
      return deks.find(namespace, kek, tenant, version).orElseThrow(() -> RekeyException.notFound(
          "tenant '" + tenant + "' has no data key version " + version + " under key '" + kek + "'"));
    }
    return deks.latest(namespace, kek, tenant).orElseThrow(() -> notFound(namespace, kek, tenant));
  }

  /** Every version's metadata, oldest first. */
  public List<StoredDek> versions(String namespace, String kek, String tenant) {
    validate(namespace, kek, tenant);
    List<StoredDek> all = deks.versions(namespace, kek, tenant);
    if (all.isEmpty()) {
      throw notFound(namespace, kek, tenant);
    }
    return all;
  }

  /** The latest version of each tenant's DEK under the KEK, by tenant. */
  public List<StoredDek> list(String namespace, String kek, String afterTenant, int limit) {
    Names.namespace(namespace);
    Names.keyName(kek);
    if (limit < 1 || limit > MAX_PAGE) {
      throw RekeyException.invalid("limit must be between 1 and " + MAX_PAGE);
    }
    return deks.list(namespace, kek, afterTenant, limit);
  }

  private StoredDek insertVersion(KeyCache.Entry e, String tenant, int version) {
    KeyVersion primary = e.key().primary();
    byte[] plaintext = Randomness.bytes(DEK_LENGTH);
    try {
      byte[] wrapped = cipher.wrap(e, primary, tenant, version, plaintext);
      return deks.insert(new StoredDek(0, e.key().namespace(), e.key().name(), tenant, version, primary.number(),
          wrapped, clock.instant(), 0, null));
    } finally {
      Arrays.fill(plaintext, (byte) 0);
    }
  }

  /** Checks a tenant id: 1 to 128 characters from A-Z a-z 0-9 . _ : @ -, starting with a letter or digit. */
  public static String tenant(String tenant) {
    if (tenant == null || !TENANT.matcher(tenant).matches()) {
      throw RekeyException.invalid("invalid tenant id: use 1 to 128 characters from A-Z a-z 0-9 . _ : @ -,"
          + " starting with a letter or digit");
    }
    return tenant;
  }

  private static void validate(String namespace, String kek, String tenant) {
    Names.namespace(namespace);
    Names.keyName(kek);
    tenant(tenant);
  }

  private static RekeyException notFound(String namespace, String kek, String tenant) {
    return RekeyException.notFound("tenant '" + tenant + "' has no data key under key '" + kek
        + "' in namespace '" + namespace + "'");
  }
}
