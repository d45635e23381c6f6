-- Placeholder on branch i3-dek only: V3 belongs to policies/schedules. Replaced by the real V3 on merge.
SELECT 1;
