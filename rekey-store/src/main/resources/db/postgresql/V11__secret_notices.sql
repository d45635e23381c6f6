-- The next expiry notice of each secret version (SecretNearExpiry 30/7/1 days before, then
-- SecretExpired), set when the version is stored, indexed so that due notices cost what is due.
ALTER TABLE secret_versions ADD COLUMN next_notice_at BIGINT;
CREATE INDEX secret_versions_notice ON secret_versions (next_notice_at) WHERE next_notice_at IS NOT NULL;
