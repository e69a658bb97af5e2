-- The Pass numérique beneficiary moves onto the person model (modules/people, ADR 0018): a
-- booklet names the person it was handed to, and the needs asked at the hand-over stay on the
-- booklet. The data step — a person for each booklet handed over before this migration, its
-- facts copied, the JSON emptied — runs at start-up (pass/migrate-beneficiaries.ts), because
-- person codes are drawn with their check symbol by the application.
ALTER TABLE pass_booklets ADD COLUMN person_id uuid REFERENCES people (id);
ALTER TABLE pass_booklets ADD COLUMN needs text[];
CREATE INDEX pass_booklets_person_idx ON pass_booklets (person_id) WHERE person_id IS NOT NULL;
