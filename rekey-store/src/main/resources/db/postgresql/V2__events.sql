-- The transactional outbox: one row per lifecycle event, written in the transaction of the change.
-- dispatched_at stays NULL until delivery has taken the event over (fan-out to subscriptions);
-- readers select by that flag, not by a high-water mark, so a late commit is never skipped.

CREATE TABLE events (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  event_time BIGINT NOT NULL,
  namespace TEXT COLLATE "C" NOT NULL,
  subject TEXT COLLATE "C" NOT NULL,
  tags TEXT NOT NULL,
  data TEXT NOT NULL,
  dispatched_at BIGINT
);

CREATE INDEX events_undispatched ON events (seq) WHERE dispatched_at IS NULL;
CREATE INDEX events_time ON events (event_time, seq);
