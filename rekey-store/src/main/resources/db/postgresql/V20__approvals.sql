-- Two-person approval: requests for guarded operations (bound to the exact request by a hash,
-- never its body) and each namespace's approval policy. Ids sort by creation time.
-- approvers is a JSON array of principal names; revision guards concurrent approvals.

CREATE TABLE approvals (
  id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  namespace TEXT COLLATE "C" NOT NULL,
  operation TEXT NOT NULL,
  target TEXT NOT NULL,
  requester TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  required_approvals INTEGER NOT NULL,
  approvers TEXT NOT NULL,
  state TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  decided_by TEXT,
  revision BIGINT NOT NULL
);

CREATE INDEX approvals_by_namespace ON approvals (namespace, id);
CREATE INDEX approvals_by_request ON approvals (requester, fingerprint);

CREATE TABLE approval_policies (
  namespace TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  operations TEXT NOT NULL,
  required_approvals INTEGER NOT NULL,
  ttl_seconds BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  updated_by TEXT
);
