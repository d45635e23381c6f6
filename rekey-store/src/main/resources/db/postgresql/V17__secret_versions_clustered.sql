-- The root-key index is ordered by creation time, so new versions append to its end (as on
-- SQLite, where V17 also stores the versions in primary-key order); finding material under
-- another root key still uses its root_key_id prefix.
DROP INDEX secret_versions_root;
CREATE INDEX secret_versions_root ON secret_versions (root_key_id, created_at) WHERE material IS NOT NULL;
