-- Server-held tenant data keys and their re-wrap campaigns.
-- deks: one row per DEK version, wrapped by a KEK version (the key `kek` of the same namespace).
-- row_version grows with every re-wrap (conditional updates); rewrap_campaign names the campaign
-- that last re-wrapped the row, so a cancelled campaign rolls back exactly its own rows.
-- deks_by_kek_version serves the planner (distinct KEK versions in use), the campaigns' keyset
-- pages (kek_version = ? AND id > ? ORDER BY id) and the retirement guard's counts.

CREATE TABLE deks (
  id INTEGER PRIMARY KEY,
  namespace TEXT NOT NULL,
  kek TEXT NOT NULL,
  tenant TEXT NOT NULL,
  version INTEGER NOT NULL,
  kek_version INTEGER NOT NULL,
  wrapped BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  row_version INTEGER NOT NULL DEFAULT 0,
  rewrap_campaign INTEGER,
  UNIQUE (namespace, kek, tenant, version)
);

CREATE INDEX deks_by_kek_version ON deks (namespace, kek, kek_version, id);

CREATE TABLE rewrap_campaigns (
  id INTEGER PRIMARY KEY,
  namespace TEXT NOT NULL,
  kek TEXT NOT NULL,
  from_version INTEGER NOT NULL,
  to_version INTEGER NOT NULL,
  state TEXT NOT NULL,
  origin TEXT NOT NULL,
  total INTEGER NOT NULL,
  done INTEGER NOT NULL,
  rolled_back INTEGER NOT NULL,
  checkpoint INTEGER NOT NULL,
  rollback_checkpoint INTEGER NOT NULL,
  batch_size INTEGER NOT NULL,
  delay_millis INTEGER NOT NULL,
  active_nanos INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  finished_at INTEGER,
  lease_owner TEXT,
  lease_until INTEGER,
  message TEXT
);

-- At most one campaign in progress per KEK.
CREATE UNIQUE INDEX rewrap_campaigns_one_active ON rewrap_campaigns (namespace, kek)
  WHERE state IN ('running', 'paused', 'cancelling');
CREATE INDEX rewrap_campaigns_by_kek ON rewrap_campaigns (namespace, kek, id);
CREATE INDEX rewrap_campaigns_runnable ON rewrap_campaigns (id) WHERE state IN ('running', 'cancelling');
