-- Placeholder on branch i3-dek only: V4 belongs to webhooks. Replaced by the real V4 on merge.
SELECT 1;
