-- Support sessions (issue 16, PRODUCT.md §3.3): a session may name the mandate the helper used.
-- The mandates module checks, inside the session's transaction, that it belongs to the session's
-- structure and was in force on the session's date. ON DELETE SET NULL: a mandate is never
-- deleted today (RESTRICT everywhere else), but a session must not block it if it ever is.
ALTER TABLE support_sessions ADD COLUMN mandate_id uuid REFERENCES mandates (id) ON DELETE SET NULL;
CREATE INDEX support_sessions_mandate_idx ON support_sessions (mandate_id) WHERE mandate_id IS NOT NULL;
