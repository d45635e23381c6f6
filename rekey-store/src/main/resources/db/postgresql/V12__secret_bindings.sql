-- Bindings apply to secrets as well as keys: a binding's subject is a kind (KEY or SECRET) plus a
-- name. The name stays in key_name (existing rows are keys); subject_kind joins the primary keys
-- so a key and a secret of the same name can each have their own bindings and update history.

ALTER TABLE consumer_bindings ADD COLUMN subject_kind TEXT COLLATE "C" NOT NULL DEFAULT 'KEY';
ALTER TABLE consumer_bindings DROP CONSTRAINT consumer_bindings_pkey;
ALTER TABLE consumer_bindings ADD PRIMARY KEY (namespace, subject_kind, key_name, consumer);
DROP INDEX consumer_bindings_by_consumer;
CREATE INDEX consumer_bindings_by_consumer ON consumer_bindings (namespace, consumer, subject_kind, key_name);

ALTER TABLE consumer_updates ADD COLUMN subject_kind TEXT COLLATE "C" NOT NULL DEFAULT 'KEY';
ALTER TABLE consumer_updates DROP CONSTRAINT consumer_updates_pkey;
ALTER TABLE consumer_updates ADD PRIMARY KEY (namespace, subject_kind, key_name, version, consumer);
