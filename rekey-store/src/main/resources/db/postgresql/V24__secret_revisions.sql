-- A secret's revision (what every change is conditional on) in a narrow table of its own: a put
-- moves the revision and adds a version, but leaves the secret's tags and custom labels as they
-- are, so its row in `secrets` is no longer rewritten (a new row version per put).

CREATE TABLE secret_revisions (
  secret_id BIGINT PRIMARY KEY REFERENCES secrets (id) ON DELETE CASCADE,
  revision BIGINT NOT NULL
);

INSERT INTO secret_revisions (secret_id, revision) SELECT id, revision FROM secrets;

ALTER TABLE secrets DROP COLUMN revision;
