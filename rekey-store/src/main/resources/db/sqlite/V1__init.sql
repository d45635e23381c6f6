-- Times are nanoseconds since the epoch (exact round trip of java.time.Instant).
-- Text columns compare byte by byte (SQLite's BINARY collation), like COLLATE "C" on PostgreSQL.

CREATE TABLE keys (
  id INTEGER PRIMARY KEY,
  namespace TEXT NOT NULL,
  name TEXT NOT NULL,
  type TEXT NOT NULL,
  min_decryption_version INTEGER NOT NULL,
  min_encryption_version INTEGER NOT NULL,
  tags TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  revision INTEGER NOT NULL,
  CONSTRAINT keys_namespace_name UNIQUE (namespace, name)
);

CREATE TABLE key_versions (
  key_id INTEGER NOT NULL REFERENCES keys (id) ON DELETE CASCADE,
  number INTEGER NOT NULL,
  state TEXT NOT NULL,
  material BLOB,
  root_key_id TEXT,
  created_at INTEGER NOT NULL,
  state_changed_at INTEGER NOT NULL,
  revoked_at INTEGER,
  destroy_after INTEGER,
  PRIMARY KEY (key_id, number),
  CHECK ((material IS NULL) = (root_key_id IS NULL))
);

CREATE INDEX key_versions_root ON key_versions (root_key_id, key_id) WHERE material IS NOT NULL;

CREATE TABLE tokens (
  id TEXT PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  principal TEXT NOT NULL,
  grants TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER,
  revoked_at INTEGER,
  created_by TEXT
);

CREATE INDEX tokens_created ON tokens (created_at, id);

CREATE TABLE system_values (
  name TEXT PRIMARY KEY,
  value BLOB NOT NULL
);

CREATE TABLE audit_records (
  seq INTEGER PRIMARY KEY,
  event_time INTEGER NOT NULL,
  request_id TEXT,
  principal TEXT,
  token_id TEXT,
  action TEXT NOT NULL,
  namespace TEXT,
  key_name TEXT,
  key_version INTEGER NOT NULL,
  outcome TEXT NOT NULL,
  error_code TEXT,
  client_address TEXT,
  details TEXT,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);

CREATE TABLE audit_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq INTEGER NOT NULL,
  hash TEXT NOT NULL
);

INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE audit_checkpoints (
  seq INTEGER PRIMARY KEY,
  hash TEXT NOT NULL,
  at INTEGER NOT NULL,
  key_id TEXT NOT NULL,
  signature TEXT NOT NULL
);
