-- At most one pending approval request per request (namespace, requester, fingerprint), so that
-- identical guarded requests arriving at once all name the same one. A database written before may
-- hold several: the newest stays pending (the one asking again named); each older one ends as the
-- server ends a pending request that a newer identical one replaces: expired when its time is up
-- (decided_by empty), otherwise cancelled on behalf of its requester (decided_by the requester).
UPDATE approvals SET
  state = CASE WHEN expires_at <= CAST(strftime('%s', 'now') AS INTEGER) * 1000000000 THEN 'expired' ELSE 'cancelled' END,
  decided_by = CASE WHEN expires_at <= CAST(strftime('%s', 'now') AS INTEGER) * 1000000000 THEN NULL ELSE requester END,
  updated_at = CAST(strftime('%s', 'now') AS INTEGER) * 1000000000, revision = revision + 1
WHERE state = 'pending' AND EXISTS (SELECT 1 FROM approvals newer WHERE newer.state = 'pending'
  AND newer.namespace = approvals.namespace AND newer.requester = approvals.requester
  AND newer.fingerprint = approvals.fingerprint AND newer.id > approvals.id);

CREATE UNIQUE INDEX approvals_one_pending ON approvals (namespace, requester, fingerprint) WHERE state = 'pending';
