-- One support session per voucher redemption (issue 14), held by the database and not only by
-- the check in record-session.ts: on PostgreSQL two helpers saving at the same instant both
-- passed that check (READ COMMITTED) and the funder's report counted the voucher twice.
--
-- Duplicates made by that race before this migration are resolved deterministically, never
-- silently (ADR 0038): the earliest session (created_at, then id) keeps the redemption; each
-- later one keeps everything else but no longer names it, and is listed in
-- support_session_redemption_unlinked with the session kept. The journal's rows carry a MAC
-- keyed by SECRET_KEY, which SQL cannot compute: the application's start-up journals each row
-- of that table and marks it (journal-unlinked-redemptions.ts), as 0131's data step does.
-- PGlite serves one connection, so there are none there.
CREATE TABLE support_session_redemption_unlinked (
  session_id uuid PRIMARY KEY,
  organisation_id uuid NOT NULL,
  redemption_id uuid NOT NULL,
  kept_session_id uuid NOT NULL,
  unlinked_at timestamptz NOT NULL DEFAULT now(),
  journaled_at timestamptz
);

INSERT INTO support_session_redemption_unlinked (session_id, organisation_id, redemption_id, kept_session_id)
SELECT s.id, s.organisation_id, s.redemption_id, s.kept
FROM (
  SELECT id, organisation_id, redemption_id,
    first_value(id) OVER (PARTITION BY redemption_id ORDER BY created_at, id) AS kept,
    row_number() OVER (PARTITION BY redemption_id ORDER BY created_at, id) AS rank
  FROM support_sessions
  WHERE redemption_id IS NOT NULL
) s
WHERE s.rank > 1;

UPDATE support_sessions SET redemption_id = NULL
WHERE id IN (SELECT session_id FROM support_session_redemption_unlinked);

DROP INDEX support_sessions_redemption_idx;
CREATE UNIQUE INDEX support_sessions_redemption_once ON support_sessions (redemption_id)
  WHERE redemption_id IS NOT NULL;
