-- A programme names its funder, and the funder consents (issue 9, ADR 0009): a programme billed
-- to an organisation is active only once a financeur of that organisation accepts it (or a
-- financeur of it created it). Programmes that exist before this migration count as accepted;
-- the pass module's data step journals each of them once (journal rows are written by the
-- platform's journal code, not by SQL) and clears the mark.
ALTER TABLE pass_programmes ADD COLUMN funder_accepted_at timestamptz;
ALTER TABLE pass_programmes ADD COLUMN funder_accepted_by uuid REFERENCES users (id) ON DELETE SET NULL;
ALTER TABLE pass_programmes ADD COLUMN acceptance_to_journal boolean NOT NULL DEFAULT false;
UPDATE pass_programmes SET funder_accepted_at = created_at, acceptance_to_journal = true;
CREATE INDEX pass_programmes_pending_idx ON pass_programmes (funder_organisation_id) WHERE funder_accepted_at IS NULL;
