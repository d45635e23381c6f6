-- Rotation policies and the scheduler (issue 3). Times are nanoseconds since the epoch.

-- One policy per scope id (key:<ns>/<name>, namespace:<ns>, type:<key type>), canonical JSON.
CREATE TABLE rotation_policies (
  scope TEXT COLLATE "C" PRIMARY KEY,
  body TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);

-- One row per key: when anything is next to be done for it (due_at, NULL = nothing), the lease of
-- the node working on it, and the state the next pass needs. A tick reads only rows with
-- due_at <= now through key_schedules_due, so its cost grows with what is due.
CREATE TABLE key_schedules (
  namespace TEXT COLLATE "C" NOT NULL,
  name TEXT COLLATE "C" NOT NULL,
  key_type TEXT NOT NULL,
  anchor_at BIGINT,
  next_rotation_at BIGINT,
  due_at BIGINT,
  lease_owner TEXT,
  lease_until BIGINT,
  failures INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  last_run_at BIGINT,
  PRIMARY KEY (namespace, name)
);

CREATE INDEX key_schedules_due ON key_schedules (due_at) WHERE due_at IS NOT NULL;
CREATE INDEX key_schedules_next_rotation ON key_schedules (next_rotation_at) WHERE next_rotation_at IS NOT NULL;
CREATE INDEX key_schedules_failed ON key_schedules (failures) WHERE failures > 0;
CREATE INDEX key_schedules_type ON key_schedules (key_type);

-- Every scheduled run; (namespace, name, scheduled_at) is its idempotency key. Written in the
-- transaction of the rotation, so a run is recorded exactly when its rotation committed.
CREATE TABLE rotation_runs (
  namespace TEXT COLLATE "C" NOT NULL,
  name TEXT COLLATE "C" NOT NULL,
  scheduled_at BIGINT NOT NULL,
  version INTEGER NOT NULL,
  started_at BIGINT NOT NULL,
  completed_at BIGINT,
  PRIMARY KEY (namespace, name, scheduled_at)
);

-- Expiry notices that fired: once per version per threshold ('P30D', ..., 'expired').
CREATE TABLE rotation_notices (
  namespace TEXT COLLATE "C" NOT NULL,
  name TEXT COLLATE "C" NOT NULL,
  version INTEGER NOT NULL,
  threshold TEXT NOT NULL,
  fired_at BIGINT NOT NULL,
  PRIMARY KEY (namespace, name, version, threshold)
);

-- How far key discovery has read the keys table (by id).
CREATE TABLE scheduler_cursor (
  name TEXT PRIMARY KEY,
  position BIGINT NOT NULL
);

INSERT INTO scheduler_cursor (name, position) VALUES ('keys', 0);
