package dev.rekey.server;

import dev.rekey.core.approval.ApprovalService;
import dev.rekey.core.approval.GuardedOperation;
import dev.rekey.core.audit.AuditLog;
import dev.rekey.core.audit.AuditSigningKey;
import dev.rekey.core.dek.DekService;
import dev.rekey.core.service.CryptoService;
import dev.rekey.core.service.JwtService;
import dev.rekey.core.service.KeyExportService;
import dev.rekey.core.service.SigningService;
import dev.rekey.core.service.WebhookSecretVerifier;
import dev.rekey.core.root.RootOfTrust;
import dev.rekey.server.api.ApprovalEndpoints;
import dev.rekey.server.api.ApprovalGate;
import dev.rekey.server.api.AuditEndpoints;
import dev.rekey.server.api.CampaignEndpoints;
import dev.rekey.server.api.CryptoEndpoints;
import dev.rekey.server.api.DekEndpoints;
import dev.rekey.server.api.JwtEndpoints;
import dev.rekey.server.api.KeyEndpoints;
import dev.rekey.server.api.MetricsEndpoints;
import dev.rekey.server.api.OpenApiDocument;
import dev.rekey.server.api.PolicyEndpoints;
import dev.rekey.server.api.SecretEndpoints;
import dev.rekey.server.api.SigningEndpoints;
import dev.rekey.server.api.SystemEndpoints;
import dev.rekey.server.api.TokenEndpoints;
import dev.rekey.server.api.VaultTransitEndpoints;
import dev.rekey.server.config.ServerConfig;
import dev.rekey.server.consumer.Consumers;
import dev.rekey.server.http.ApiRouter;
import dev.rekey.server.http.HandlerMode;
import dev.rekey.server.http.Json;
import dev.rekey.server.metrics.Metrics;
import dev.rekey.server.webhook.Webhooks;
import dev.rekey.store.Store;
import java.time.Clock;

/**
 * Registers every endpoint of the HTTP API on the router. The router tries routes in the order
 * they are registered: the hot cryptographic ones come first.
 */
final class ApiRoutes {
  private ApiRoutes() {}

  /** What the endpoints need besides the core services. */
  record Parts(Store store, RootOfTrust rootOfTrust, Webhooks webhooks, Consumers consumers,
      AuditLog audit, Metrics metrics, Json json) {}

  static void register(ApiRouter router, ServerServices services, Parts parts, ServerConfig config, Clock clock) {
    Store store = parts.store();
    ApprovalService approvalService = new ApprovalService(store.approvals(), store.transactions(), store.events(),
        services.tokens()::issuersOf, clock);
    ApprovalGate approvals = new ApprovalGate(approvalService);
    services.keys().guardDestruction(namespace -> approvalService.guards(namespace, GuardedOperation.KEY_DESTROY));
    CryptoService crypto = new CryptoService(services.cache());
    // routes on one key or secret run on the event loop while it is cached and fresh, else on a worker
    HandlerMode keyInMemory = HandlerMode.whileCached(services.cache(), "name");
    new CryptoEndpoints(crypto, keyInMemory).register(router);
    new SigningEndpoints(new SigningService(services.cache(), clock, config.jwksOverlap()), services.keys(),
        parts.json(), keyInMemory, HandlerMode.whileCached(services.cache(), "namespace", "key")).register(router);
    new JwtEndpoints(new JwtService(new SigningService(services.cache(), clock, config.jwksOverlap()), clock),
        keyInMemory).register(router);
    new SystemEndpoints(services.root()).register(router);
    new TokenEndpoints(services.tokens()).register(router);
    new KeyEndpoints(services.keys(), new KeyExportService(store.keys(), parts.rootOfTrust()::keyring,
        config.keyExportEnabled()), services.usage(), approvals).register(router);
    new SecretEndpoints(services.secrets(), services.secretRotations(),
        new WebhookSecretVerifier(services.secrets(), store.secretRotations(), clock), clock, parts.audit(),
        approvals, HandlerMode.whileCached(services.secretCache(), "name")).register(router);
    new ApprovalEndpoints(approvalService, approvals, clock).register(router);
    new AuditEndpoints(store.audit(),
        () -> AuditSigningKey.loadOrCreate(store.system(), parts.rootOfTrust()).publicKey(),
        parts.audit()::storedCheckpoints, parts.json()).register(router);
    parts.webhooks().register(router);
    new PolicyEndpoints(services.policies()).register(router);
    new DekEndpoints(new DekService(store.deks(), services.cache(), clock)).register(router);
    new CampaignEndpoints(services.campaigns()).register(router);
    parts.consumers().register(router);
    new VaultTransitEndpoints(crypto, services.keys(), keyInMemory).register(router);
    router.staticRoute("/v1/openapi.json", "application/json", OpenApiDocument.bytes());
    new MetricsEndpoints(parts.metrics(), config.usage().metricsUnauthenticated()).register(router);
  }
}
