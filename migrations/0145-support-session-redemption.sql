-- A session recorded from a voucher redemption names it (issue 14): the funder's report shows
-- what the sessions its vouchers paid for achieved. No foreign key across modules' tables beyond
-- the person model: the pass module checks the redemption when the session is recorded.
ALTER TABLE support_sessions ADD COLUMN redemption_id uuid;
CREATE INDEX support_sessions_redemption_idx ON support_sessions (redemption_id) WHERE redemption_id IS NOT NULL;
