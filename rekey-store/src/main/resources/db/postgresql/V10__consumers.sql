-- Consumers (systems that use keys), their bindings to keys, tag selectors, the history of
-- rotation updates (who moved to which version when) and propagation policies.
-- The hook signing secret is stored wrapped under the root keyring (bound to the consumer).
-- A binding's deadline is found through a partial index on non-current bindings, and a due hook
-- call through one on hook_next_at (a claim moves hook_next_at to the end of its lease).

CREATE TABLE consumers (
  namespace TEXT COLLATE "C" NOT NULL,
  name TEXT COLLATE "C" NOT NULL,
  kind TEXT NOT NULL,
  tags TEXT NOT NULL,
  owner TEXT,
  principal TEXT COLLATE "C",
  hook_url TEXT,
  hook_secret BYTEA,
  hook_secret_root_key_id TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (namespace, name)
);

CREATE INDEX consumers_by_principal ON consumers (namespace, principal) WHERE principal IS NOT NULL;
CREATE INDEX consumers_by_root_key ON consumers (hook_secret_root_key_id) WHERE hook_secret_root_key_id IS NOT NULL;

CREATE TABLE consumer_selectors (
  namespace TEXT COLLATE "C" NOT NULL,
  consumer TEXT COLLATE "C" NOT NULL,
  tags TEXT COLLATE "C" NOT NULL,
  mode TEXT NOT NULL,
  PRIMARY KEY (namespace, consumer, tags)
);

CREATE TABLE consumer_bindings (
  namespace TEXT COLLATE "C" NOT NULL,
  key_name TEXT COLLATE "C" NOT NULL,
  consumer TEXT COLLATE "C" NOT NULL,
  origin TEXT NOT NULL,
  mode TEXT NOT NULL,
  version INTEGER NOT NULL,
  since BIGINT,
  previous_version INTEGER NOT NULL,
  target_version INTEGER NOT NULL,
  state TEXT NOT NULL,
  deadline BIGINT,
  last_seen_at BIGINT,
  hook_state TEXT NOT NULL,
  hook_attempts INTEGER NOT NULL,
  hook_next_at BIGINT,
  hook_error TEXT,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (namespace, key_name, consumer)
);

CREATE INDEX consumer_bindings_deadline ON consumer_bindings (deadline) WHERE state = 'PENDING_UPDATE';
CREATE INDEX consumer_bindings_stale ON consumer_bindings (namespace, deadline) WHERE state = 'STALE';
CREATE INDEX consumer_bindings_hooks ON consumer_bindings (hook_next_at) WHERE hook_state = 'PENDING';
CREATE INDEX consumer_bindings_by_consumer ON consumer_bindings (namespace, consumer, key_name);

CREATE TABLE consumer_updates (
  namespace TEXT COLLATE "C" NOT NULL,
  key_name TEXT COLLATE "C" NOT NULL,
  version INTEGER NOT NULL,
  consumer TEXT COLLATE "C" NOT NULL,
  requested_at BIGINT NOT NULL,
  deadline BIGINT NOT NULL,
  confirmed_at BIGINT,
  stale_at BIGINT,
  PRIMARY KEY (namespace, key_name, version, consumer)
);

CREATE INDEX consumer_updates_recent ON consumer_updates (namespace, requested_at);

CREATE TABLE propagation_policies (
  namespace TEXT COLLATE "C" NOT NULL,
  key_name TEXT COLLATE "C" NOT NULL,
  deadline_millis BIGINT NOT NULL,
  quiet_period_millis BIGINT NOT NULL,
  verify_before_promote BOOLEAN NOT NULL,
  PRIMARY KEY (namespace, key_name)
);
