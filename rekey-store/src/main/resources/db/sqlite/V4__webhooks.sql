-- Webhook subscriptions and their deliveries (one row per subscription per outbox event).
-- The signing secret is stored wrapped under the root keyring (bound to the subscription id).
-- A delivery is PENDING until a 2xx (DELIVERED) or until its attempts are exhausted (DEAD);
-- pending_since is when it last became pending (creation or redelivery): the lag to measure.
-- lease_owner/lease_until mark the node making an attempt, so two nodes never send the same one.

CREATE TABLE webhooks (
  id TEXT PRIMARY KEY,
  url TEXT NOT NULL,
  event_types TEXT NOT NULL,
  namespace TEXT,
  tags TEXT NOT NULL,
  enabled INTEGER NOT NULL,
  secret BLOB NOT NULL,
  secret_root_key_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE webhook_deliveries (
  id TEXT PRIMARY KEY,
  webhook_id TEXT NOT NULL,
  event_seq INTEGER NOT NULL,
  event_id TEXT NOT NULL,
  event_type TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL,
  pending_since INTEGER NOT NULL,
  lease_owner TEXT,
  lease_until INTEGER,
  last_status INTEGER,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  delivered_at INTEGER,
  CONSTRAINT webhook_deliveries_once UNIQUE (webhook_id, event_seq)
);

CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_by_hook ON webhook_deliveries (webhook_id, id);
