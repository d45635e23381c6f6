-- How secrets rotate, and every run of the rotation protocol (create, set, test, finish).
-- params: JSON object of non-secret rotator parameters. Durations in seconds, times in nanoseconds.

CREATE TABLE secret_rotation_configs (
  namespace TEXT COLLATE "C" NOT NULL,
  secret TEXT COLLATE "C" NOT NULL,
  rotator TEXT NOT NULL,
  params TEXT NOT NULL,
  period BIGINT,
  before_expiry BIGINT,
  next_due_at BIGINT,
  PRIMARY KEY (namespace, secret)
);

CREATE INDEX secret_rotation_configs_due ON secret_rotation_configs (next_due_at) WHERE next_due_at IS NOT NULL;

CREATE TABLE secret_rotations (
  id TEXT PRIMARY KEY,
  namespace TEXT COLLATE "C" NOT NULL,
  secret TEXT COLLATE "C" NOT NULL,
  rotator TEXT NOT NULL,
  trigger_name TEXT NOT NULL,
  status TEXT NOT NULL,
  step TEXT NOT NULL,
  pending_version INTEGER,
  failures INTEGER NOT NULL,
  next_attempt_at BIGINT,
  last_error TEXT,
  started_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  finished_at BIGINT,
  lease_owner TEXT,
  lease_until BIGINT
);

-- At most one running rotation per secret.
CREATE UNIQUE INDEX secret_rotations_one_running ON secret_rotations (namespace, secret) WHERE status = 'RUNNING';
CREATE INDEX secret_rotations_due ON secret_rotations (next_attempt_at) WHERE status = 'RUNNING';
CREATE INDEX secret_rotations_history ON secret_rotations (namespace, secret, started_at);
