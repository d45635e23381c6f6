package dev.rekey.client;

import dev.rekey.api.ApiPaths;
import dev.rekey.api.CampaignList;
import dev.rekey.api.CampaignView;
import dev.rekey.api.StartCampaignRequest;
import dev.rekey.api.ThrottleCampaignRequest;

/**
 * Re-wrap campaigns: moving a key's stored data keys to its primary version in the background
 * ({@code client.rewrapCampaigns()}). Shares the connection, token and namespace of the
 * {@link RekeyClient} it came from.
 */
public final class RewrapCampaignsClient {
  private final ApiCalls calls;

  RewrapCampaignsClient(ApiCalls calls) {
    this.calls = calls;
  }

  /** Starts re-wrapping the stored data keys of key {@code name} to its primary; nulls take the server's defaults. */
  public CampaignView start(String name, Integer fromVersion, Integer batchSize, Long delayMs) {
    return calls.post(ApiPaths.REWRAP_CAMPAIGNS, new StartCampaignRequest(name, fromVersion, batchSize, delayMs),
        CampaignView.class);
  }

  public CampaignView get(long id) {
    return calls.get(ApiPaths.campaign(id), CampaignView.class);
  }

  /** Campaigns of the namespace by id after {@code after} (0: from the start); {@code activeOnly}: not final ones. */
  public CampaignList list(long after, boolean activeOnly, Integer limit) {
    return calls.get(ApiPaths.REWRAP_CAMPAIGNS + "?after=" + after + (activeOnly ? "&active=true" : "")
        + (limit == null ? "" : "&limit=" + limit), CampaignList.class);
  }

  public CampaignView pause(long id) {
    return calls.post(ApiPaths.campaign(id) + "/pause", null, CampaignView.class);
  }

  public CampaignView resume(long id) {
    return calls.post(ApiPaths.campaign(id) + "/resume", null, CampaignView.class);
  }

  /** Cancels and rolls back what the campaign re-wrapped (refused once the old version may no longer decrypt). */
  public CampaignView cancel(long id) {
    return calls.post(ApiPaths.campaign(id) + "/cancel", null, CampaignView.class);
  }

  /** Changes the batch size and throttle (delay between batches, or batches per second); nulls leave them. */
  public CampaignView throttle(long id, Integer batchSize, Long delayMs, Double batchesPerSecond) {
    return calls.send("PATCH", ApiPaths.campaign(id), new ThrottleCampaignRequest(batchSize, delayMs,
        batchesPerSecond), CampaignView.class);
  }
}
