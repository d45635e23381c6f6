-- Server-held tenant data keys and their re-wrap campaigns.
-- deks: one row per DEK version, wrapped by a KEK version (the key `kek` of the same namespace).
-- row_version grows with every re-wrap (conditional updates); rewrap_campaign names the campaign
-- that last re-wrapped the row, so a cancelled campaign rolls back exactly its own rows.
-- deks_by_kek_version serves the planner (distinct KEK versions in use), the campaigns' keyset
-- pages (kek_version = ? AND id > ? ORDER BY id) and the retirement guard's counts.

CREATE TABLE deks (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  namespace TEXT COLLATE "C" NOT NULL,
  kek TEXT COLLATE "C" NOT NULL,
  tenant TEXT COLLATE "C" NOT NULL,
  version INTEGER NOT NULL,
  kek_version INTEGER NOT NULL,
  wrapped BYTEA NOT NULL,
  created_at BIGINT NOT NULL,
  row_version BIGINT NOT NULL DEFAULT 0,
  rewrap_campaign BIGINT,
  UNIQUE (namespace, kek, tenant, version)
);

CREATE INDEX deks_by_kek_version ON deks (namespace, kek, kek_version, id);

CREATE TABLE rewrap_campaigns (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  namespace TEXT COLLATE "C" NOT NULL,
  kek TEXT COLLATE "C" NOT NULL,
  from_version INTEGER NOT NULL,
  to_version INTEGER NOT NULL,
  state TEXT NOT NULL,
  origin TEXT NOT NULL,
  total BIGINT NOT NULL,
  done BIGINT NOT NULL,
  rolled_back BIGINT NOT NULL,
  checkpoint BIGINT NOT NULL,
  rollback_checkpoint BIGINT NOT NULL,
  batch_size INTEGER NOT NULL,
  delay_millis BIGINT NOT NULL,
  active_nanos BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  finished_at BIGINT,
  lease_owner TEXT,
  lease_until BIGINT,
  message TEXT
);

-- At most one campaign in progress per KEK.
CREATE UNIQUE INDEX rewrap_campaigns_one_active ON rewrap_campaigns (namespace, kek)
  WHERE state IN ('running', 'paused', 'cancelling');
CREATE INDEX rewrap_campaigns_by_kek ON rewrap_campaigns (namespace, kek, id);
CREATE INDEX rewrap_campaigns_runnable ON rewrap_campaigns (id) WHERE state IN ('running', 'cancelling');
