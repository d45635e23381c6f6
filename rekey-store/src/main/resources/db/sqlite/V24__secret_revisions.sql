-- A secret's revision (what every change is conditional on) in a narrow table of its own: a put
-- moves the revision and adds a version, but leaves the secret's tags and custom labels as they
-- are, so its row in `secrets` is no longer rewritten. Before, every put dirtied the page of that
-- row; a group commit of 30 puts over 1,000 secrets wrote about 20 such pages to the WAL, where
-- this table's thousand revisions fit in two or three.

CREATE TABLE secret_revisions (
  secret_id INTEGER PRIMARY KEY REFERENCES secrets (id) ON DELETE CASCADE,
  revision INTEGER NOT NULL
);

INSERT INTO secret_revisions (secret_id, revision) SELECT id, revision FROM secrets;

ALTER TABLE secrets DROP COLUMN revision;
