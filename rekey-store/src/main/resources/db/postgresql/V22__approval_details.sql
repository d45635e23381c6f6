-- What an approval request asks for, for approvers (never a secret), and the id of the token
-- that asked (two-person approval refuses approvers related to it by token issuance).
ALTER TABLE approvals ADD COLUMN summary TEXT;
ALTER TABLE approvals ADD COLUMN requester_token TEXT;
