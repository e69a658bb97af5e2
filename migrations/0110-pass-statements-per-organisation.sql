-- A statement is what one organisation is owed by one funder for one place and one month
-- (ADR 0024). The key used to leave the organisation out: when a place changed organisation
-- within a month, the second organisation's statement could not be drawn up (every statements
-- page failed on the unique key), and the redemptions of both would have been paid to one.
ALTER TABLE pass_statements DROP CONSTRAINT pass_statements_place_id_funder_organisation_id_month_key;
ALTER TABLE pass_statements
  ADD CONSTRAINT pass_statements_group_key UNIQUE (place_id, organisation_id, funder_organisation_id, month);
-- The redemptions not yet on a statement, found by the hourly job without reading the others.
CREATE INDEX pass_redemptions_unstated_idx ON pass_redemptions (redeemed_at) WHERE statement_id IS NULL AND undone_at IS NULL;
