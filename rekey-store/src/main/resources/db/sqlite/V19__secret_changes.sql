-- A put of an existing secret appends one row here (its new row fields and the versions it wrote
-- or moved, encoded by dev.rekey.store.SecretChangeLog) instead of updating secrets and
-- secret_versions, whose pages are scattered over the file: a group commit of 32 puts dirtied
-- about 60 of them. The rows are folded into those tables in batches, a secret's versions in one
-- pass; reads apply the rows not folded yet. (PostgreSQL writes the tables directly.)

CREATE TABLE secret_changes (
  seq INTEGER PRIMARY KEY,
  secret_id INTEGER NOT NULL,
  revision INTEGER NOT NULL,
  change BLOB NOT NULL,
  CONSTRAINT secret_changes_revision UNIQUE (secret_id, revision)
);
