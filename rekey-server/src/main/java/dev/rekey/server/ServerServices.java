package dev.rekey.server;

import dev.rekey.core.campaign.RewrapCampaign;
import dev.rekey.core.campaign.RewrapCampaignService;
import dev.rekey.core.policy.PolicyService;
import dev.rekey.core.policy.RotationScheduler;
import dev.rekey.core.policy.SchedulerConfig;
import dev.rekey.core.root.RootOfTrust;
import dev.rekey.core.secret.rotation.DualKeyRotator;
import dev.rekey.core.secret.rotation.GeneratedRotator;
import dev.rekey.core.secret.rotation.WebhookHmacRotator;
import dev.rekey.core.service.KeyCache;
import dev.rekey.core.service.KeyService;
import dev.rekey.core.service.SecretCache;
import dev.rekey.core.service.StoreReadGuard;
import dev.rekey.core.service.SecretRotationService;
import dev.rekey.core.service.SecretService;
import dev.rekey.core.service.TokenService;
import dev.rekey.core.usage.UsageCounter;
import dev.rekey.core.usage.UsageTracker;
import dev.rekey.server.config.ServerConfig;
import dev.rekey.server.rotators.ExternalHookRotator;
import dev.rekey.server.rotators.PostgresRotator;
import dev.rekey.server.webhook.HttpWebhookTransport;
import dev.rekey.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The core services of one server, wired over its store and root of trust. Nothing here runs on
 * its own: background work and HTTP routes are started from these by {@link RekeyServer}.
 */
record ServerServices(
    NodeIdentity node,
    UsageCounter usageCounter,
    UsageTracker usage,
    KeyCache cache,
    KeyService keys,
    TokenService tokens,
    RootLifecycle root,
    SecretService secrets,
    SecretCache secretCache,
    SecretRotationService secretRotations,
    PolicyService policies,
    RotationScheduler scheduler,
    RewrapCampaignService campaigns) {

  /** The services over {@code store}; {@code dataDir} is the data directory this server holds, or null for none. */
  static ServerServices create(ServerConfig config, DataDirectoryLock dataDir, Store store, RootOfTrust rootOfTrust,
      HttpWebhookTransport hookTransport, Clock clock) {
    NodeIdentity node = NodeIdentity.start(dataDir == null ? null : dataDir.directory());
    UsageCounter usageCounter = new UsageCounter(clock);
    KeyCache cache = new KeyCache(store.keys(), rootOfTrust::keyring, config.cacheTtl(), usageCounter);
    // an event loop never waits for the store: a request that needs a reload there runs again on a worker
    StoreReadGuard storeReads = new StoreReadGuard();
    storeReads.refuseWhen(io.vertx.core.Context::isOnEventLoopThread);
    cache.guardStoreReads(storeReads);
    // nor for the root keyring, re-read when cached material names a generation this node lacks
    rootOfTrust.guardStoreReads(storeReads);
    UsageTracker usage = new UsageTracker(usageCounter, store.usage());
    KeyService keys = new KeyService(store.keys(), store.transactions(), store.events(), rootOfTrust::keyring, cache,
        clock, config.minimumDestroyWait(), store.storedDekVersions());
    keys.guardRootGenerations(rootOfTrust);
    TokenService tokens = new TokenService(store.tokens(), clock, Duration.ofSeconds(5), config.tokenMaxTtl());
    RootLifecycle root = new RootLifecycle(rootOfTrust, tokens, cache, List.of(store.keys(), store.secrets()));
    SecretCache secretCache = new SecretCache(store.secrets(), rootOfTrust::keyring, config.cacheTtl());
    secretCache.guardStoreReads(storeReads);
    SecretService secrets = new SecretService(store.secrets(), store.transactions(), store.events(),
        rootOfTrust::keyring, clock, config.minimumDestroyWait(), secretCache);
    secrets.guardRootGenerations(rootOfTrust);
    root.alsoClear(secrets::clearCache);
    SecretRotationService secretRotations = new SecretRotationService(secrets, store.secretRotations(),
        store.transactions(), store.events(), List.of(new GeneratedRotator(), new DualKeyRotator(),
        new WebhookHmacRotator(), new PostgresRotator(config.outboundPolicy()), new ExternalHookRotator(hookTransport,
            config.outboundPolicy(), clock, hookTransport.timeout())), clock,
        node.id(), config.minimumRotationPeriod());
    SchedulerConfig schedulerConfig = SchedulerConfig.defaults(node.id());
    PolicyService policies = new PolicyService(store.policies(), store.schedules(), store.transactions(), clock,
        schedulerConfig.overdueAfter(), config.minimumRotationPeriod());
    RotationScheduler scheduler = new RotationScheduler(keys, new RotationScheduler.Stores(store.schedules(),
        store.policies(), store.transactions(), store.events()), usage, clock, schedulerConfig);
    RewrapCampaignService campaigns = new RewrapCampaignService(store.campaigns(), store.deks(), cache, clock,
        RewrapCampaign.DEFAULT_BATCH_SIZE);
    return new ServerServices(node, usageCounter, usage, cache, keys, tokens, root, secrets, secretCache,
        secretRotations, policies, scheduler, campaigns);
  }
}
