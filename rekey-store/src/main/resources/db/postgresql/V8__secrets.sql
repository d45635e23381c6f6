-- Versioned secrets. Versions share the key versions' lifecycle columns; the value is wrapped by
-- the root keyring like key material. labels: JSON object of custom label -> version number.

CREATE TABLE secrets (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  namespace TEXT COLLATE "C" NOT NULL,
  name TEXT COLLATE "C" NOT NULL,
  tags TEXT NOT NULL,
  labels TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  revision BIGINT NOT NULL,
  CONSTRAINT secrets_namespace_name UNIQUE (namespace, name)
);

CREATE TABLE secret_versions (
  secret_id BIGINT NOT NULL REFERENCES secrets (id) ON DELETE CASCADE,
  number INTEGER NOT NULL,
  state TEXT NOT NULL,
  material BYTEA,
  root_key_id TEXT,
  created_at BIGINT NOT NULL,
  state_changed_at BIGINT NOT NULL,
  revoked_at BIGINT,
  destroy_after BIGINT,
  expires_at BIGINT,
  PRIMARY KEY (secret_id, number),
  CHECK ((material IS NULL) = (root_key_id IS NULL))
);

CREATE INDEX secret_versions_root ON secret_versions (root_key_id, secret_id) WHERE material IS NOT NULL;
CREATE INDEX secret_versions_expiry ON secret_versions (expires_at) WHERE expires_at IS NOT NULL;

-- A namespace's rules for new secret versions; max_lifetime in seconds.
CREATE TABLE secret_guardrails (
  namespace TEXT COLLATE "C" PRIMARY KEY,
  require_expiry INTEGER NOT NULL,
  max_lifetime BIGINT
);
