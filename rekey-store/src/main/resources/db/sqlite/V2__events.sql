-- The transactional outbox: one row per lifecycle event, written in the transaction of the change.
-- dispatched_at stays NULL until delivery has taken the event over (fan-out to subscriptions);
-- readers select by that flag, not by a high-water mark, so a late commit is never skipped.

CREATE TABLE events (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  event_time INTEGER NOT NULL,
  namespace TEXT NOT NULL,
  subject TEXT NOT NULL,
  tags TEXT NOT NULL,
  data TEXT NOT NULL,
  dispatched_at INTEGER
);

CREATE INDEX events_undispatched ON events (seq) WHERE dispatched_at IS NULL;
CREATE INDEX events_time ON events (event_time, seq);
