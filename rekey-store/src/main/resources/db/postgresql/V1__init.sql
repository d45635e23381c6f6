-- Times are nanoseconds since the epoch (exact round trip of java.time.Instant).
-- Names use COLLATE "C" so that ordering and paging are byte order, as on SQLite.

CREATE TABLE keys (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  namespace TEXT COLLATE "C" NOT NULL,
  name TEXT COLLATE "C" NOT NULL,
  type TEXT NOT NULL,
  min_decryption_version INTEGER NOT NULL,
  min_encryption_version INTEGER NOT NULL,
  tags TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  revision BIGINT NOT NULL,
  CONSTRAINT keys_namespace_name UNIQUE (namespace, name)
);

CREATE TABLE key_versions (
  key_id BIGINT NOT NULL REFERENCES keys (id) ON DELETE CASCADE,
  number INTEGER NOT NULL,
  state TEXT NOT NULL,
  material BYTEA,
  root_key_id TEXT,
  created_at BIGINT NOT NULL,
  state_changed_at BIGINT NOT NULL,
  revoked_at BIGINT,
  destroy_after BIGINT,
  PRIMARY KEY (key_id, number),
  CHECK ((material IS NULL) = (root_key_id IS NULL))
);

CREATE INDEX key_versions_root ON key_versions (root_key_id, key_id) WHERE material IS NOT NULL;

CREATE TABLE tokens (
  id TEXT COLLATE "C" PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  principal TEXT NOT NULL,
  grants TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT,
  revoked_at BIGINT,
  created_by TEXT
);

CREATE INDEX tokens_created ON tokens (created_at, id);

CREATE TABLE system_values (
  name TEXT PRIMARY KEY,
  value BYTEA NOT NULL
);

CREATE TABLE audit_records (
  seq BIGINT PRIMARY KEY,
  event_time BIGINT NOT NULL,
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
  seq BIGINT NOT NULL,
  hash TEXT NOT NULL
);

INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE audit_checkpoints (
  seq BIGINT PRIMARY KEY,
  hash TEXT NOT NULL,
  at BIGINT NOT NULL,
  key_id TEXT NOT NULL,
  signature TEXT NOT NULL
);
