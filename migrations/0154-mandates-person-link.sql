-- Mandates (issue 16): the usager linked to the person model (people module, ADR 0018) by the
-- structure holding the mandate. The link is per mandate, hence per structure: one FranceConnect
-- identity with mandates in two structures is two people records, one in each structure, and
-- neither structure sees the other's (the people module's identity links are scoped the same
-- way). mandate_usagers.person_id, one column for every structure, would have leaked one
-- structure's record to the other: it is dropped, it was never written.
ALTER TABLE mandates ADD COLUMN person_id uuid;
ALTER TABLE mandate_usagers DROP COLUMN person_id;
