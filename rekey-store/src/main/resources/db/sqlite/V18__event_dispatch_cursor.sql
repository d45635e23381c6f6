-- On SQLite one writer at a time appends events, so every event is committed after all events
-- with lower positions: "dispatched" is a position, every event up to the cursor. Marking events
-- no longer rewrites each row and its entry in a partial index, and the time index, which no
-- query uses, is gone: a secret put's three events cost six B-tree inserts instead of twelve and
-- the dispatcher's nine updates become one. (PostgreSQL keeps the per-event flag: there,
-- concurrent transactions can commit lower positions later.)

DROP INDEX events_time;

CREATE TABLE event_dispatch_cursor (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq INTEGER NOT NULL
);

-- Everything before the first undispatched event has been dispatched.
INSERT INTO event_dispatch_cursor (id, seq)
SELECT 1, COALESCE((SELECT MIN(seq) - 1 FROM events WHERE dispatched_at IS NULL), (SELECT MAX(seq) FROM events), 0);

DROP INDEX events_undispatched;
