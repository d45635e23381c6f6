-- Webhook subscriptions and their deliveries (one row per subscription per outbox event).
-- The signing secret is stored wrapped under the root keyring (bound to the subscription id).
-- A delivery is PENDING until a 2xx (DELIVERED) or until its attempts are exhausted (DEAD);
-- pending_since is when it last became pending (creation or redelivery): the lag to measure.
-- lease_owner/lease_until mark the node making an attempt, so two nodes never send the same one.

CREATE TABLE webhooks (
  id TEXT COLLATE "C" PRIMARY KEY,
  url TEXT NOT NULL,
  event_types TEXT NOT NULL,
  namespace TEXT COLLATE "C",
  tags TEXT NOT NULL,
  enabled BOOLEAN NOT NULL,
  secret BYTEA NOT NULL,
  secret_root_key_id TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE webhook_deliveries (
  id TEXT COLLATE "C" PRIMARY KEY,
  webhook_id TEXT COLLATE "C" NOT NULL,
  event_seq BIGINT NOT NULL,
  event_id TEXT NOT NULL,
  event_type TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_at BIGINT NOT NULL,
  pending_since BIGINT NOT NULL,
  lease_owner TEXT,
  lease_until BIGINT,
  last_status INTEGER,
  last_error TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  delivered_at BIGINT,
  CONSTRAINT webhook_deliveries_once UNIQUE (webhook_id, event_seq)
);

CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_by_hook ON webhook_deliveries (webhook_id, id);
