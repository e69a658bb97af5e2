-- PGlite no longer loads pg_trgm: its WebAssembly build can spin forever inside a trigram call
-- (electric-sql/pglite#1058), and with one connection that freezes the whole server. What used
-- it now works the same on both engines without it (ADR 0022):
-- * commune « vouliez-vous dire » suggestions count the trigrams a name shares with what was
--   typed through plain tables of trigrams (below);
-- * the free-text ranking of places uses LIKE on word boundaries (search-repository.ts).
-- Databases created by PGlite from now on never create pg_trgm (migrate.ts leaves those
-- statements of 0001 and 0003 out); this removes it from PGlite databases made before.

-- The trigrams of a folded name (lower case a-z, 0-9 and spaces, see communeKey): each word
-- padded with two spaces before and one after, as pg_trgm does, each trigram once, sorted.
CREATE FUNCTION lieux_trigrams(key text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
  SELECT coalesce(array_agg(DISTINCT substr(padded, i, 3) ORDER BY substr(padded, i, 3)), '{}')
  FROM (SELECT '  ' || word || ' ' AS padded
        FROM regexp_split_to_table(key, '[^a-z0-9]+') AS word
        WHERE word <> '') AS words,
       generate_series(1, length(padded) - 2) AS i
$$;

-- Which names hold which trigram (what pg_trgm's GIN index held), and how many trigrams each
-- name has. Rewritten with the gazetteer by replaceCommunes (communes-repository.ts, which
-- computes the trigrams as lieux_trigrams does); filled here for databases made before.
CREATE TABLE commune_trigram_names (
  trigram text PRIMARY KEY,
  name_keys text[] NOT NULL
);
CREATE TABLE commune_name_trigram_counts (
  name_key text PRIMARY KEY,
  trigrams int NOT NULL
);
CREATE TEMPORARY TABLE name_trigrams ON COMMIT DROP AS
SELECT n.name_key, lieux_trigrams(n.name_key) AS t FROM (SELECT DISTINCT name_key FROM communes) AS n;
INSERT INTO commune_name_trigram_counts (name_key, trigrams) SELECT name_key, cardinality(t) FROM name_trigrams;
INSERT INTO commune_trigram_names (trigram, name_keys)
SELECT g, array_agg(name_key ORDER BY name_key) FROM name_trigrams, unnest(t) AS g GROUP BY g;

DROP INDEX IF EXISTS communes_name_trgm_idx;

-- On PostgreSQL the trigram index of places stays: it speeds up LIKE '%mot%' over a million
-- places and pg_trgm is safe there. PGlite drops it and the extension (no trigram function of
-- the extension is needed to drop them).
DO $$
BEGIN
  IF version() LIKE '%PGlite%' THEN
    DROP INDEX IF EXISTS places_search_trgm_idx;
    DROP EXTENSION IF EXISTS pg_trgm;
  END IF;
END
$$;
