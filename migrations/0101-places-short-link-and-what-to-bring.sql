-- « Ce qu'il faut apporter »: said by the structure that keeps the place up to date (the national
-- standard has no such field, so an import never sets it).
ALTER TABLE places ADD COLUMN what_to_bring text;
-- A short code for the link sent by SMS (/l/CODE): derived from the id, so it never changes and
-- needs no allocation; 12 hex digits (48 bits) keep collisions out of reach for millions of places.
ALTER TABLE places ADD COLUMN short_code text GENERATED ALWAYS AS (substr(md5(id), 1, 12)) STORED;
CREATE INDEX places_short_code_idx ON places (short_code);
