-- Bindings apply to secrets as well as keys: a binding's subject is a kind (KEY or SECRET) plus a
-- name. The name stays in key_name (existing rows are keys); subject_kind joins the primary keys
-- so a key and a secret of the same name can each have their own bindings and update history.
-- SQLite cannot change a primary key in place: both tables are rebuilt and their indexes recreated.

CREATE TABLE consumer_bindings_v12 (
  namespace TEXT NOT NULL,
  subject_kind TEXT NOT NULL DEFAULT 'KEY',
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
  PRIMARY KEY (namespace, subject_kind, key_name, consumer)
);

INSERT INTO consumer_bindings_v12 (namespace, subject_kind, key_name, consumer, origin, mode, version, since,
  previous_version, target_version, state, deadline, last_seen_at, hook_state, hook_attempts, hook_next_at,
  hook_error, updated_at)
SELECT namespace, 'KEY', key_name, consumer, origin, mode, version, since, previous_version, target_version,
  state, deadline, last_seen_at, hook_state, hook_attempts, hook_next_at, hook_error, updated_at
FROM consumer_bindings;

DROP TABLE consumer_bindings;
ALTER TABLE consumer_bindings_v12 RENAME TO consumer_bindings;

CREATE INDEX consumer_bindings_deadline ON consumer_bindings (deadline) WHERE state = 'PENDING_UPDATE';
CREATE INDEX consumer_bindings_stale ON consumer_bindings (namespace, deadline) WHERE state = 'STALE';
CREATE INDEX consumer_bindings_hooks ON consumer_bindings (hook_next_at) WHERE hook_state = 'PENDING';
CREATE INDEX consumer_bindings_by_consumer ON consumer_bindings (namespace, consumer, subject_kind, key_name);

CREATE TABLE consumer_updates_v12 (
  namespace TEXT NOT NULL,
  subject_kind TEXT NOT NULL DEFAULT 'KEY',
  key_name TEXT NOT NULL,
  version INTEGER NOT NULL,
  consumer TEXT NOT NULL,
  requested_at INTEGER NOT NULL,
  deadline INTEGER NOT NULL,
  confirmed_at INTEGER,
  stale_at INTEGER,
  PRIMARY KEY (namespace, subject_kind, key_name, version, consumer)
);

INSERT INTO consumer_updates_v12 (namespace, subject_kind, key_name, version, consumer, requested_at, deadline,
  confirmed_at, stale_at)
SELECT namespace, 'KEY', key_name, version, consumer, requested_at, deadline, confirmed_at, stale_at
FROM consumer_updates;

DROP TABLE consumer_updates;
ALTER TABLE consumer_updates_v12 RENAME TO consumer_updates;

CREATE INDEX consumer_updates_recent ON consumer_updates (namespace, requested_at);
