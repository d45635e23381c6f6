package dev.rekey.core.port;

import dev.rekey.core.campaign.CampaignState;
import dev.rekey.core.campaign.RewrapCampaign;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Storage of re-wrap campaigns. Several nodes may share it: a node works on a campaign only while
 * it holds the campaign's lease ({@link #claim}), renews it with every batch ({@link #holdForBatch},
 * which also locks the campaign until the batch's transaction ends) and writes progress only while
 * it still holds it ({@link #saveProgress}). State changes from the API are conditional on the
 * state they start from.
 */
public interface CampaignRepository {

  /** Stores a new campaign and returns it with its id. ALREADY_EXISTS when the KEK has a campaign that is not final. */
  RewrapCampaign insert(RewrapCampaign campaign);

  Optional<RewrapCampaign> find(long id);

  /** Campaigns by id, after {@code afterId}; only those of {@code namespace} unless it is null; only not-final ones with {@code activeOnly}. */
  List<RewrapCampaign> list(String namespace, boolean activeOnly, long afterId, int limit);

  /** The KEK's most recent campaign. */
  Optional<RewrapCampaign> latest(String namespace, String kek);

  /**
   * Writes {@code updated} (state, message, times, throttle) if the stored campaign is still in
   * state {@code expected}; a campaign leaving RUNNING or CANCELLING loses its lease. Returns whether it did.
   */
  boolean update(RewrapCampaign updated, CampaignState expected);

  /** Ids of runnable campaigns whose lease is free, lapsed at {@code now}, or held by {@code owner}. */
  List<Long> runnable(String owner, Instant now, int limit);

  /** Takes the lease of a runnable campaign if it is free, lapsed or already {@code owner}'s. */
  boolean claim(long id, String owner, Instant now, Instant leaseUntil);

  /**
   * Renews {@code owner}'s lease for one batch and returns the campaign, locked until the
   * calling transaction ends; empty when the lease was lost or the campaign is no longer runnable.
   */
  Optional<RewrapCampaign> holdForBatch(long id, String owner, Instant leaseUntil);

  /** Writes a batch's progress (checkpoints, counts, state) while {@code owner} holds the lease; returns whether it did. */
  boolean saveProgress(RewrapCampaign updated, String owner);

  /** Gives up {@code owner}'s lease. */
  void release(long id, String owner);

  /** Frees every lease (one node on an embedded database: leases of a previous run are void). */
  int releaseAllLeases();
}
