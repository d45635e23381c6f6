-- The id of the token a token was issued with (two-person approval follows the chain of issuers).
ALTER TABLE tokens ADD COLUMN created_by_token TEXT;
