-- Secret versions stored in primary-key order (WITHOUT ROWID): all versions of a secret share
-- leaf pages, so a put (a new version, the old CURRENT becoming PREVIOUS, the old PREVIOUS
-- retired) writes one table page instead of three scattered ones plus the separate primary-key
-- index. The root-key index is ordered by creation time, so new versions append to its end;
-- finding material under another root key still uses its root_key_id prefix.

CREATE TABLE secret_versions_v17 (
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
  next_notice_at INTEGER,
  PRIMARY KEY (secret_id, number),
  CHECK ((material IS NULL) = (root_key_id IS NULL))
) WITHOUT ROWID;

INSERT INTO secret_versions_v17 (secret_id, number, state, material, root_key_id, created_at, state_changed_at,
  revoked_at, destroy_after, expires_at, next_notice_at)
SELECT secret_id, number, state, material, root_key_id, created_at, state_changed_at, revoked_at, destroy_after,
  expires_at, next_notice_at
FROM secret_versions;

DROP TABLE secret_versions;
ALTER TABLE secret_versions_v17 RENAME TO secret_versions;

CREATE INDEX secret_versions_root ON secret_versions (root_key_id, created_at) WHERE material IS NOT NULL;
CREATE INDEX secret_versions_expiry ON secret_versions (expires_at) WHERE expires_at IS NOT NULL;
CREATE INDEX secret_versions_notice ON secret_versions (next_notice_at) WHERE next_notice_at IS NOT NULL;
