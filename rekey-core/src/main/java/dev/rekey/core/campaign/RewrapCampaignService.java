package dev.rekey.core.campaign;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.key.Key;
import dev.rekey.core.key.KeyType;
import dev.rekey.core.key.KeyVersion;
import dev.rekey.core.key.Names;
import dev.rekey.core.key.VersionState;
import dev.rekey.core.port.CampaignRepository;
import dev.rekey.core.port.DekRepository;
import dev.rekey.core.service.KeyCache;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Starts re-wrap campaigns and moves them through their states on request (pause, resume, cancel,
 * throttle). The batches themselves run in {@link RewrapCampaignRunner}.
 */
public final class RewrapCampaignService {
  public static final int MAX_PAGE = 1000;
  private static final int MAX_ATTEMPTS = 8;

  private final CampaignRepository campaigns;
  private final DekRepository deks;
  private final KeyCache cache;
  private final Clock clock;
  private final int defaultBatchSize;

  public RewrapCampaignService(CampaignRepository campaigns, DekRepository deks, KeyCache cache, Clock clock,
      int defaultBatchSize) {
    this.campaigns = campaigns;
    this.deks = deks;
    this.cache = cache;
    this.clock = clock;
    this.defaultBatchSize = defaultBatchSize;
  }

  /**
   * Starts a campaign moving the KEK's stored DEKs from {@code fromVersion} (null: the lowest
   * version other than the primary that still wraps DEKs) to the KEK's primary.
   */
  public RewrapCampaign start(String namespace, String kek, Integer fromVersion, Integer batchSize,
      Long delayMillis, String origin) {
    Names.namespace(namespace);
    Names.keyName(kek);
    int size = checkBatchSize(batchSize == null ? defaultBatchSize : batchSize);
    long delay = checkDelay(delayMillis == null ? 0 : delayMillis);
    Key key = cache.refresh(namespace, kek).key();
    if (key.type() != KeyType.AES256_GCM) {
      throw RekeyException.unsupported("key '" + kek + "' is of type " + key.type().wireName()
          + "; only aes256-gcm keys wrap data keys");
    }
    int target = key.primary().number();
    int from = fromVersion != null ? fromVersion : oldestInUse(key, target);
    KeyVersion source = key.version(from).orElseThrow(() ->
        RekeyException.invalid("key '" + kek + "' has no version " + from));
    if (from == target) {
      throw RekeyException.invalid("version " + from + " is the primary of key '" + kek + "': nothing to re-wrap");
    }
    if (!readable(source.state())) {
      throw RekeyException.illegalState("version " + from + " of key '" + kek + "' is " + source.state().wireName()
          + " and cannot be read to re-wrap");
    }
    long total = deks.countWrapped(namespace, kek, from, from + 1);
    if (total == 0) {
      throw RekeyException.illegalState("no stored data keys under key '" + kek + "' are wrapped by version " + from);
    }
    RewrapCampaign c = RewrapCampaign.start(namespace, kek, from, target, origin, total, size, delay,
        clock.instant());
    try {
      return campaigns.insert(c);
    } catch (RekeyException e) {
      if (e.code() == ErrorCode.ALREADY_EXISTS) {
        throw RekeyException.alreadyExists("key '" + kek + "' already has a campaign in progress"
            + campaigns.latest(namespace, kek).map(x -> " (id " + x.id() + ")").orElse(""));
      }
      throw e;
    }
  }

  public RewrapCampaign get(String namespace, long id) {
    return campaigns.find(id).filter(c -> c.namespace().equals(namespace)).orElseThrow(() ->
        RekeyException.notFound("no re-wrap campaign " + id + " in namespace '" + namespace + "'"));
  }

  /** Campaigns of a namespace (all namespaces when null) by id. */
  public List<RewrapCampaign> list(String namespace, boolean activeOnly, long afterId, int limit) {
    if (limit < 1 || limit > MAX_PAGE) {
      throw RekeyException.invalid("limit must be between 1 and " + MAX_PAGE);
    }
    return campaigns.list(namespace, activeOnly, afterId, limit);
  }

  public RewrapCampaign pause(String namespace, long id) {
    return change(namespace, id, c -> c.moveTo(CampaignState.PAUSED, clock.instant(), null));
  }

  public RewrapCampaign resume(String namespace, long id) {
    return change(namespace, id, c -> c.moveTo(CampaignState.RUNNING, clock.instant(), null));
  }

  /**
   * Cancels and rolls back: the DEKs it re-wrapped go back to the old version. Allowed only while
   * the old version may still decrypt (PRIMARY or ACTIVE, at or above the minimum decryption version).
   */
  public RewrapCampaign cancel(String namespace, long id) {
    return change(namespace, id, c -> {
      c.state().requireMoveTo(CampaignState.CANCELLING);
      Key key = cache.refresh(c.namespace(), c.kek()).key();
      if (!key.canDecryptWith(c.fromVersion())) {
        throw RekeyException.illegalState("cannot roll back: version " + c.fromVersion() + " of key '" + c.kek()
            + "' is no longer enabled for decryption");
      }
      return c.moveTo(CampaignState.CANCELLING, clock.instant(), "cancelled on request");
    });
  }

  /** Sets the batch size and the delay between batches; null leaves a setting as it is. */
  public RewrapCampaign throttle(String namespace, long id, Integer batchSize, Long delayMillis) {
    return change(namespace, id, c -> {
      if (c.state().isFinal()) {
        throw RekeyException.illegalState("campaign " + id + " is " + c.state().wireName());
      }
      return c.withThrottle(batchSize == null ? c.batchSize() : checkBatchSize(batchSize),
          delayMillis == null ? c.delayMillis() : checkDelay(delayMillis), clock.instant());
    });
  }

  /** Campaigns not yet final, for progress gauges. */
  public List<RewrapCampaign> active() {
    return campaigns.list(null, true, 0, MAX_PAGE);
  }

  private RewrapCampaign change(String namespace, long id, UnaryOperator<RewrapCampaign> operation) {
    for (int attempt = 1; ; attempt++) {
      RewrapCampaign current = get(namespace, id);
      RewrapCampaign updated = operation.apply(current);
      if (campaigns.update(updated, current.state())) {
        return campaigns.find(id).orElse(updated);
      }
      if (attempt >= MAX_ATTEMPTS) {
        throw RekeyException.concurrentModification("campaign " + id + " changed concurrently; retry");
      }
    }
  }

  private int oldestInUse(Key key, int target) {
    for (KeyVersion v : key.versions()) {
      if (v.number() != target && deks.countWrapped(key.namespace(), key.name(), v.number(), v.number() + 1) > 0) {
        return v.number();
      }
    }
    throw RekeyException.illegalState("every stored data key under key '" + key.name()
        + "' is already wrapped by its primary version " + target);
  }

  /** States whose material a campaign may read to re-wrap away from them. */
  static boolean readable(VersionState s) {
    return s.decrypts() || s == VersionState.RETIRED || s == VersionState.REVOKED;
  }

  static int checkBatchSize(int size) {
    if (size < 1 || size > RewrapCampaign.MAX_BATCH_SIZE) {
      throw RekeyException.invalid("batch_size must be between 1 and " + RewrapCampaign.MAX_BATCH_SIZE);
    }
    return size;
  }

  static long checkDelay(long delayMillis) {
    if (delayMillis < 0 || delayMillis > RewrapCampaign.MAX_DELAY_MILLIS) {
      throw RekeyException.invalid("delay_ms must be between 0 and " + RewrapCampaign.MAX_DELAY_MILLIS);
    }
    return delayMillis;
  }
}
