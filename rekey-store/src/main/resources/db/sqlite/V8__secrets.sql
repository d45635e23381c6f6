-- Versioned secrets. Versions share the key versions' lifecycle columns; the value is wrapped by
-- the root keyring like key material. labels: JSON object of custom label -> version number.

CREATE TABLE secrets (
  id INTEGER PRIMARY KEY,
  namespace TEXT NOT NULL,
  name TEXT NOT NULL,
  tags TEXT NOT NULL,
  labels TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  revision INTEGER NOT NULL,
  CONSTRAINT secrets_namespace_name UNIQUE (namespace, name)
);

CREATE TABLE secret_versions (
  secret_id INTEGER NOT NULL REFERENCES secrets (id) ON DELETE CASCADE,
  number INTEGER NOT NULL,
  state TEXT NOT NULL,
  material BLOB,
  root_key_id TEXT,
  created_at INTEGER NOT NULL,
  state_changed_at INTEGER NOT NULL,
  revoked_at INTEGER,
  destroy_after INTEGER,
  expires_at INTEGER,
  PRIMARY KEY (secret_id, number),
  CHECK ((material IS NULL) = (root_key_id IS NULL))
);

CREATE INDEX secret_versions_root ON secret_versions (root_key_id, secret_id) WHERE material IS NOT NULL;
CREATE INDEX secret_versions_expiry ON secret_versions (expires_at) WHERE expires_at IS NOT NULL;

-- A namespace's rules for new secret versions; max_lifetime in seconds.
CREATE TABLE secret_guardrails (
  namespace TEXT PRIMARY KEY,
  require_expiry INTEGER NOT NULL,
  max_lifetime INTEGER
);
