-- Consumers (systems that use keys), their bindings to keys, tag selectors, the history of
-- rotation updates (who moved to which version when) and propagation policies.
-- The hook signing secret is stored wrapped under the root keyring (bound to the consumer).
-- A binding's deadline is found through a partial index on non-current bindings, and a due hook
-- call through one on hook_next_at (a claim moves hook_next_at to the end of its lease).

CREATE TABLE consumers (
  namespace TEXT NOT NULL,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  tags TEXT NOT NULL,
  owner TEXT,
  principal TEXT,
  hook_url TEXT,
  hook_secret BLOB,
  hook_secret_root_key_id TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (namespace, name)
);

CREATE INDEX consumers_by_principal ON consumers (namespace, principal) WHERE principal IS NOT NULL;
CREATE INDEX consumers_by_root_key ON consumers (hook_secret_root_key_id) WHERE hook_secret_root_key_id IS NOT NULL;

CREATE TABLE consumer_selectors (
  namespace TEXT NOT NULL,
  consumer TEXT NOT NULL,
  tags TEXT NOT NULL,
  mode TEXT NOT NULL,
  PRIMARY KEY (namespace, consumer, tags)
);

CREATE TABLE consumer_bindings (
  namespace TEXT NOT NULL,
  key_name TEXT NOT NULL,
  consumer TEXT NOT NULL,
  origin TEXT NOT NULL,
  mode TEXT NOT NULL,
  version INTEGER NOT NULL,
  since INTEGER,
  previous_version INTEGER NOT NULL,
  target_version INTEGER NOT NULL,
  state TEXT NOT NULL,
  deadline INTEGER,
  last_seen_at INTEGER,
  hook_state TEXT NOT NULL,
  hook_attempts INTEGER NOT NULL,
  hook_next_at INTEGER,
  hook_error TEXT,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (namespace, key_name, consumer)
);

CREATE INDEX consumer_bindings_deadline ON consumer_bindings (deadline) WHERE state = 'PENDING_UPDATE';
CREATE INDEX consumer_bindings_stale ON consumer_bindings (namespace, deadline) WHERE state = 'STALE';
CREATE INDEX consumer_bindings_hooks ON consumer_bindings (hook_next_at) WHERE hook_state = 'PENDING';
CREATE INDEX consumer_bindings_by_consumer ON consumer_bindings (namespace, consumer, key_name);

CREATE TABLE consumer_updates (
  namespace TEXT NOT NULL,
  key_name TEXT NOT NULL,
  version INTEGER NOT NULL,
  consumer TEXT NOT NULL,
  requested_at INTEGER NOT NULL,
  deadline INTEGER NOT NULL,
  confirmed_at INTEGER,
  stale_at INTEGER,
  PRIMARY KEY (namespace, key_name, version, consumer)
);

CREATE INDEX consumer_updates_recent ON consumer_updates (namespace, requested_at);

CREATE TABLE propagation_policies (
  namespace TEXT NOT NULL,
  key_name TEXT NOT NULL,
  deadline_millis INTEGER NOT NULL,
  quiet_period_millis INTEGER NOT NULL,
  verify_before_promote INTEGER NOT NULL,
  PRIMARY KEY (namespace, key_name)
);
