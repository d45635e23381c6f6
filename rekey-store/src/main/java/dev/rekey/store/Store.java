package dev.rekey.store;

import com.zaxxer.hikari.HikariDataSource;
import dev.rekey.core.port.AuditRepository;
import dev.rekey.core.port.ConsumerRepository;
import dev.rekey.core.port.DeliveryRepository;
import dev.rekey.core.port.KeyRepository;
import dev.rekey.core.port.SecretRepository;
import dev.rekey.core.port.SecretRotationRepository;
import dev.rekey.core.port.PolicyRepository;
import dev.rekey.core.port.CampaignRepository;
import dev.rekey.core.port.DekRepository;
import dev.rekey.core.port.KeyRepository;
import dev.rekey.core.port.StoredDekVersions;
import dev.rekey.core.port.SystemRepository;
import dev.rekey.core.port.TokenRepository;
import dev.rekey.core.port.Transactions;
import dev.rekey.core.port.ApprovalRepository;
import dev.rekey.core.port.WebhookRepository;
import dev.rekey.core.port.UsageRepository;

/**
 * The storage of one Rekey node: a connection pool, the schema migrated to the current version,
 * and the core's repositories on top. Open it once at start-up, share it, close it at shutdown.
 *
 * <pre>{@code
 * try (Store store = Store.open(StoreConfig.sqlite(dataDir.resolve("rekey.db")))) {
 *   store.transactions().run(() -> {
 *     store.keys().insert(key);
 *     store.audit().append(events, chainer);
 *   });
 * }
 * }</pre>
 *
 * All repositories join the calling thread's {@link #transactions()} transaction when there is one.
 */
public final class Store implements AutoCloseable {
  private final Dialect dialect;
  private final HikariDataSource pool;
  private final JdbcTransactions transactions;
  private final JdbcKeyRepository keys;
  private final JdbcTokenRepository tokens;
  private final JdbcAuditRepository audit;
  private final JdbcSystemRepository system;
  private final JdbcEventOutbox events;
  private final JdbcSecretRepository secrets;
  private final JdbcSecretRotationRepository secretRotations;
  private final JdbcWebhookRepository webhooks;
  private final JdbcApprovalRepository approvals;
  private final JdbcDeliveryRepository deliveries;
  private final JdbcUsageRepository usage;
  private final JdbcPolicyRepository policies;
  private final JdbcScheduleRepository schedules;
  private final JdbcDekRepository deks;
  private final JdbcCampaignRepository campaigns;
  private final JdbcConsumerRepository consumers;

  private Store(Dialect dialect, HikariDataSource pool) {
    this.dialect = dialect;
    this.pool = pool;
    this.transactions = new JdbcTransactions(pool, dialect);
    this.keys = new JdbcKeyRepository(transactions, dialect);
    this.tokens = new JdbcTokenRepository(transactions);
    this.audit = new JdbcAuditRepository(transactions, dialect);
    this.system = new JdbcSystemRepository(transactions, dialect);
    this.events = new JdbcEventOutbox(transactions, dialect);
    this.secrets = new JdbcSecretRepository(transactions);
    this.secretRotations = new JdbcSecretRotationRepository(transactions, dialect);
    this.webhooks = new JdbcWebhookRepository(transactions);
    this.approvals = new JdbcApprovalRepository(transactions);
    this.deliveries = new JdbcDeliveryRepository(transactions, dialect);
    this.usage = new JdbcUsageRepository(transactions);
    this.policies = new JdbcPolicyRepository(transactions);
    this.schedules = new JdbcScheduleRepository(transactions, dialect);
    this.deks = new JdbcDekRepository(transactions, dialect);
    this.campaigns = new JdbcCampaignRepository(transactions);
    this.consumers = new JdbcConsumerRepository(transactions, dialect);
  }

  /**
   * Connects, runs pending migrations and returns the store. Throws IllegalArgumentException for
   * an unusable configuration and IllegalStateException when the database cannot be reached or
   * migrated; nothing stays open in either case.
   */
  public static Store open(StoreConfig config) {
    HikariDataSource pool = Pools.create(config);
    try {
      Migrator.migrate(pool, config.dialect());
      return new Store(config.dialect(), pool);
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  public KeyRepository keys() {
    return keys;
  }

  public TokenRepository tokens() {
    return tokens;
  }

  public AuditRepository audit() {
    return audit;
  }

  public SystemRepository system() {
    return system;
  }

  public SecretRepository secrets() {
    return secrets;
  }

  public SecretRotationRepository secretRotations() {
    return secretRotations;
  }

  /** The transactional outbox of lifecycle events. */
  public JdbcEventOutbox events() {
    return events;
  }

  /** Webhook subscriptions. */
  public WebhookRepository webhooks() {
    return webhooks;
  }

  /** Two-person approval requests and the namespaces' approval policies. */
  public ApprovalRepository approvals() {
    return approvals;
  }

  /** Webhook deliveries, one per subscription per event. */
  public DeliveryRepository deliveries() {
    return deliveries;
  }

  /** Usage counts per key version and operation (added to by every node). */
  public UsageRepository usage() {
    return usage;
  }

  /** Rotation policies. */
  public PolicyRepository policies() {
    return policies;
  }

  /** The rotation scheduler's due index, leases, run records and notices. */
  public JdbcScheduleRepository schedules() {
    return schedules;
  }

  /** Server-held tenant data keys. */
  public DekRepository deks() {
    return deks;
  }

  /** How many stored data keys each KEK version still wraps (guards retirement). */
  public StoredDekVersions storedDekVersions() {
    return deks;
  }

  /** Re-wrap campaigns. */
  public CampaignRepository campaigns() {
    return campaigns;
  }

  /** Consumers, their bindings to keys, rotation updates and propagation policies. */
  public ConsumerRepository consumers() {
    return consumers;
  }

  public Transactions transactions() {
    return transactions;
  }

  public Dialect dialect() {
    return dialect;
  }

  @Override
  public void close() {
    transactions.close();
    pool.close();
  }

  @Override
  public String toString() {
    return "Store[" + dialect + "]";
  }
}
