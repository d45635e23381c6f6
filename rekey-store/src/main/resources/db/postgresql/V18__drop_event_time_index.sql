-- No query reads events by time (listing and dispatch go by position); the index only cost every
-- event an extra B-tree insert.

DROP INDEX events_time;
