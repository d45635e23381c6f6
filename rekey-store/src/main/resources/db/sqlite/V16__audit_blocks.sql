-- The audit trail as one row per group commit: the records' canonical encodings and hashes in one
-- blob (format in dev.rekey.store.AuditBlock). Rows of audit_records written before stay where
-- they are and are read first; every new record goes to audit_blocks.
CREATE TABLE audit_blocks (
  first_seq INTEGER PRIMARY KEY,
  last_seq INTEGER NOT NULL,
  records BLOB NOT NULL,
  CHECK (last_seq >= first_seq)
);
