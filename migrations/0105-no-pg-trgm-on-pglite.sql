-- PGlite no longer loads pg_trgm: its WebAssembly build can spin forever inside a trigram call
-- (electric-sql/pglite#1058), and with one connection that freezes the whole server. What used
-- it now works the same on both engines without it (ADR 0022):
-- * commune « vouliez-vous dire » suggestions count the trigrams a name shares with what was
--   typed through a plain table of each name's trigrams (below);
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

-- Which names hold which trigram: what pg_trgm's GIN index held, as a plain table read through
-- its primary key. Rewritten with the gazetteer (communes-repository.ts, replaceCommunes).
CREATE TABLE commune_name_trigrams (
  trigram text NOT NULL,
  name_key text NOT NULL,
  -- How many trigrams the name has, for the similarity (shared / all of both).
  trigrams int NOT NULL,
  PRIMARY KEY (trigram, name_key)
);
INSERT INTO commune_name_trigrams (trigram, name_key, trigrams)
SELECT g, n.name_key, cardinality(lieux_trigrams(n.name_key))
FROM (SELECT DISTINCT name_key FROM communes) AS n, unnest(lieux_trigrams(n.name_key)) AS g;

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
