package dev.rekey.core.campaign;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import dev.rekey.core.key.Key;
import dev.rekey.core.key.KeyVersion;
import dev.rekey.core.port.CampaignRepository;
import dev.rekey.core.port.DekRepository;
import dev.rekey.core.port.DekRepository.KekVersionRef;
import dev.rekey.core.service.KeyCache;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds KEKs whose stored DEKs are wrapped by a version other than the primary and starts one
 * campaign per KEK (the oldest such version first). It walks the distinct (KEK, version) pairs
 * through the per-version DEK counts, so a tick costs one probe per KEK version in use, not one
 * per DEK. It leaves a KEK alone while it has a campaign in progress, and does not retry a (from, to) pair whose last
 * campaign was cancelled or failed: that needs an explicit start.
 */
public final class RewrapPlanner {
  public static final String ORIGIN = "planner";

  private final DekRepository deks;
  private final CampaignRepository campaigns;
  private final RewrapCampaignService service;
  private final KeyCache cache;

  public RewrapPlanner(DekRepository deks, CampaignRepository campaigns, RewrapCampaignService service,
      KeyCache cache) {
    this.deks = deks;
    this.campaigns = campaigns;
    this.service = service;
    this.cache = cache;
  }

  /** One planning pass; returns the campaigns it started. */
  public List<RewrapCampaign> plan() {
    List<RewrapCampaign> started = new ArrayList<>();
    KekVersionRef ref = null;
    String doneNamespace = null;
    String doneKek = null;
    while (true) {
      Optional<KekVersionRef> next = deks.nextKekVersion(ref);
      if (next.isEmpty()) {
        return started;
      }
      ref = next.get();
      if (ref.namespace().equals(doneNamespace) && ref.kek().equals(doneKek)) {
        continue;
      }
      Optional<RewrapCampaign> c = consider(ref);
      if (c != null) {
        doneNamespace = ref.namespace();
        doneKek = ref.kek();
        c.ifPresent(started::add);
      }
    }
  }

  /**
   * Null when this version needs nothing (it is the primary); otherwise the KEK has been dealt
   * with: a campaign started, or none because one is running or the pair was given up.
   */
  private Optional<RewrapCampaign> consider(KekVersionRef ref) {
    Key key;
    try {
      key = cache.get(ref.namespace(), ref.kek()).key();
    } catch (RekeyException e) {
      return Optional.empty();
    }
    int primary = key.primary().number();
    if (ref.kekVersion() == primary) {
      return null;
    }
    KeyVersion from = key.version(ref.kekVersion()).orElse(null);
    if (from == null || !RewrapCampaignService.readable(from.state())) {
      return null;
    }
    Optional<RewrapCampaign> last = campaigns.latest(ref.namespace(), ref.kek());
    if (last.isPresent()) {
      RewrapCampaign l = last.get();
      if (!l.state().isFinal()) {
        return Optional.empty();
      }
      boolean samePair = l.fromVersion() == ref.kekVersion() && l.toVersion() == primary;
      if (samePair && (l.state() == CampaignState.CANCELLED || l.state() == CampaignState.FAILED)) {
        return null;
      }
    }
    try {
      return Optional.of(service.start(ref.namespace(), ref.kek(), ref.kekVersion(), null, null, ORIGIN));
    } catch (RekeyException e) {
      if (e.code() == ErrorCode.ALREADY_EXISTS || e.code() == ErrorCode.ILLEGAL_STATE) {
        return Optional.empty();
      }
      throw e;
    }
  }
}
