-- Usage per key version and operation. Each node adds its own deltas periodically
-- (use_count = use_count + delta, last_used = the later time), so nodes sharing the database sum up.
-- Times are nanoseconds since the epoch; last_used is coarse (about a second).

CREATE TABLE key_version_usage (
  namespace TEXT COLLATE "C" NOT NULL,
  key_name TEXT COLLATE "C" NOT NULL,
  version INTEGER NOT NULL,
  operation TEXT NOT NULL,
  use_count BIGINT NOT NULL,
  last_used BIGINT,
  PRIMARY KEY (namespace, key_name, version, operation)
);
