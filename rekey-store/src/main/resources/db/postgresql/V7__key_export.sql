-- Keys created or configured as exportable (1) may have their material exported explicitly,
-- when the server's export policy also allows it. Once 1, never 0 again.
ALTER TABLE keys ADD COLUMN exportable INTEGER NOT NULL DEFAULT 0;
