package dev.rekey.server.api;

import static dev.rekey.server.http.HandlerMode.BLOCKING;
import static dev.rekey.server.http.Endpoint.withoutBody;

import dev.rekey.api.CampaignList;
import dev.rekey.api.CampaignView;
import dev.rekey.api.StartCampaignRequest;
import dev.rekey.api.ThrottleCampaignRequest;
import dev.rekey.core.RekeyException;
import dev.rekey.core.auth.Action;
import dev.rekey.core.campaign.RewrapCampaign;
import dev.rekey.core.campaign.RewrapCampaignService;
import dev.rekey.core.key.Names;
import dev.rekey.server.http.ApiRouter;
import dev.rekey.server.http.Call;
import dev.rekey.server.http.Reply;
import io.vertx.core.http.HttpMethod;
import java.util.List;

/** Re-wrap campaigns of the caller's namespace: progress, start, pause, resume, cancel, throttle. */
public final class CampaignEndpoints {
  private static final String PATH = "/v1/rewrap-campaigns";

  private final RewrapCampaignService campaigns;

  public CampaignEndpoints(RewrapCampaignService campaigns) {
    this.campaigns = campaigns;
  }

  public void register(ApiRouter r) {
    r.route(HttpMethod.GET, PATH, Action.REWRAP_CAMPAIGN_READ, BLOCKING, this::list);
    r.route(HttpMethod.POST, PATH, Action.REWRAP_CAMPAIGN_MANAGE, BLOCKING, this::start);
    r.route(HttpMethod.GET, PATH + "/:id", Action.REWRAP_CAMPAIGN_READ, BLOCKING,
        c -> view(c, campaigns.get(c.namespace(), granted(c, Action.REWRAP_CAMPAIGN_READ))));
    r.route(HttpMethod.PATCH, PATH + "/:id", Action.REWRAP_CAMPAIGN_MANAGE, BLOCKING, this::throttle);
    r.route(HttpMethod.POST, PATH + "/:id/pause", Action.REWRAP_CAMPAIGN_MANAGE, BLOCKING,
        withoutBody(c -> view(c, campaigns.pause(c.namespace(), granted(c, Action.REWRAP_CAMPAIGN_MANAGE)))));
    r.route(HttpMethod.POST, PATH + "/:id/resume", Action.REWRAP_CAMPAIGN_MANAGE, BLOCKING,
        withoutBody(c -> view(c, campaigns.resume(c.namespace(), granted(c, Action.REWRAP_CAMPAIGN_MANAGE)))));
    r.route(HttpMethod.POST, PATH + "/:id/cancel", Action.REWRAP_CAMPAIGN_MANAGE, BLOCKING,
        withoutBody(c -> view(c, campaigns.cancel(c.namespace(), granted(c, Action.REWRAP_CAMPAIGN_MANAGE)))));
  }

  private Object list(Call c) {
    int limit = c.intQuery("limit", 100, 1, RewrapCampaignService.MAX_PAGE);
    long after = longQuery(c, "after");
    boolean activeOnly = c.boolQuery("active");
    List<RewrapCampaign> page = campaigns.list(c.namespace(), activeOnly, after, limit);
    Long next = page.size() == limit ? page.get(page.size() - 1).id() : null;
    // only the campaigns under keys the caller's grants match, like the key listing
    return new CampaignList(page.stream().filter(k -> c.principal().may(Action.REWRAP_CAMPAIGN_READ, k.namespace(), k.kek()))
        .map(CampaignEndpoints::view).toList(), next);
  }

  private Object start(Call c) {
    StartCampaignRequest req = c.body(StartCampaignRequest.class);
    if (req.key() == null) {
      throw RekeyException.invalid("field 'key' is required");
    }
    c.auditKey(Names.keyName(req.key()));
    if (!c.principal().may(Action.REWRAP_CAMPAIGN_MANAGE, c.namespace(), req.key())) {
      throw RekeyException.forbidden("'" + c.principal().name() + "' may not rewrap.campaign.manage on "
          + c.namespace() + "/" + req.key());
    }
    RewrapCampaign started = campaigns.start(c.namespace(), req.key(), req.fromVersion(), req.batchSize(),
        req.delayMs(), "api");
    return Reply.created(view(c, started));
  }

  private Object throttle(Call c) {
    ThrottleCampaignRequest req = c.body(ThrottleCampaignRequest.class);
    Long delay = req.delayMs();
    if (req.batchesPerSecond() != null) {
      if (delay != null) {
        throw RekeyException.invalid("give either 'delay_ms' or 'batches_per_second', not both");
      }
      double bps = req.batchesPerSecond().doubleValue();
      // the slowest pace is one batch per the longest delay a campaign may wait between batches
      double slowest = 1000.0 / RewrapCampaign.MAX_DELAY_MILLIS;
      if (!(bps >= slowest) || bps > 10_000) {
        throw RekeyException.invalid("batches_per_second must be at least 1/3600 (one batch an hour, the longest"
            + " delay_ms of " + RewrapCampaign.MAX_DELAY_MILLIS + ") and at most 10000");
      }
      delay = Math.round(1000 / bps);
    }
    return view(c, campaigns.throttle(c.namespace(), granted(c, Action.REWRAP_CAMPAIGN_MANAGE), req.batchSize(), delay));
  }

  /** The campaign id of the path, once the caller's grants allow {@code action} on the campaign's key; else 403. */
  private long granted(Call c, Action action) {
    long id = id(c);
    RewrapCampaign k = campaigns.get(c.namespace(), id);
    if (!c.principal().may(action, c.namespace(), k.kek())) {
      c.auditKey(k.kek());
      throw RekeyException.forbidden("'" + c.principal().name() + "' may not " + action.wireName() + " on "
          + c.namespace() + "/" + k.kek());
    }
    return id;
  }

  private static long id(Call c) {
    String raw = c.pathParam("id");
    try {
      long id = Long.parseLong(raw);
      if (id < 1) {
        throw new NumberFormatException();
      }
      return id;
    } catch (NumberFormatException e) {
      throw RekeyException.invalid("campaign id must be a positive integer");
    }
  }

  private static long longQuery(Call c, String name) {
    String raw = c.query(name);
    if (raw == null) {
      return 0;
    }
    try {
      return Long.parseLong(raw);
    } catch (NumberFormatException e) {
      throw RekeyException.invalid("query parameter '" + name + "' must be an integer");
    }
  }

  private static CampaignView view(Call c, RewrapCampaign k) {
    c.auditKey(k.kek());
    c.auditVersion(k.toVersion());
    c.auditDetails("{\"campaign\":" + k.id() + ",\"state\":\"" + k.state().wireName() + "\"}");
    return view(k);
  }

  /** The wire form; also what a progress gauge reads. */
  public static CampaignView view(RewrapCampaign k) {
    return new CampaignView(k.id(), k.namespace(), k.kek(), k.fromVersion(), k.toVersion(), k.state().wireName(),
        k.origin(), k.total(), k.done(), k.remaining(), k.rolledBack(), Math.round(k.rate() * 10) / 10.0,
        k.batchSize(), k.delayMillis(), Views.time(k.createdAt()), Views.time(k.updatedAt()),
        Views.time(k.finishedAt()), k.leaseOwner(), k.message());
  }
}
