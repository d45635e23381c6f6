-- Re-wrap speed (issue 3): a re-wrap changes kek_version, so an index containing it makes every
-- re-wrapped row add index entries and rules out HOT (heap-only) updates. Instead:
-- dek_kek_versions counts the stored DEK versions per (namespace, KEK, KEK version), kept in the
-- same transaction by every DEK insert and every re-wrap batch. It serves the planner (versions
-- in use), the retirement guard and the campaigns' totals. The campaigns' keyset pages walk
-- deks_by_kek (namespace, kek, id), whose columns a re-wrap never changes, and the table keeps
-- room in its pages (fillfactor 50: a batch re-wraps all rows of a page at once) so that the new
-- row versions fit beside the old ones and the update stays HOT.

CREATE TABLE dek_kek_versions (
  namespace TEXT COLLATE "C" NOT NULL,
  kek TEXT COLLATE "C" NOT NULL,
  kek_version INTEGER NOT NULL,
  deks BIGINT NOT NULL,
  PRIMARY KEY (namespace, kek, kek_version)
);

INSERT INTO dek_kek_versions (namespace, kek, kek_version, deks)
  SELECT namespace, kek, kek_version, COUNT(*) FROM deks GROUP BY namespace, kek, kek_version;

CREATE INDEX deks_by_kek ON deks (namespace, kek, id);
DROP INDEX deks_by_kek_version;
ALTER TABLE deks SET (fillfactor = 50);
