-- pg_dump / pg_restore could not restore `places` on PostgreSQL 15: the stored column
-- geo_earth was computed by earthdistance's ll_to_earth(), whose body (before earthdistance
-- 1.2, i.e. PostgreSQL < 18) is text resolved through the search path at each call, and a
-- restore runs with an empty search path ("type earth does not exist").
-- places_earth_point() computes the same point (same formula as ll_to_earth) with an
-- SQL-standard body: PostgreSQL parses it once, here, binding every function and type to
-- the object it names, so the search path no longer matters — on PGlite (PostgreSQL 18) and
-- on PostgreSQL 15 alike. PostgreSQL 15 cannot change a generated column's expression, so
-- the column and its index are dropped and added again (the points are recomputed).
CREATE FUNCTION places_earth_point(lat double precision, lon double precision) RETURNS earth
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN cube(cube(cube(earth() * cos(radians(lat)) * cos(radians(lon))), earth() * cos(radians(lat)) * sin(radians(lon))), earth() * sin(radians(lat)))::earth;

ALTER TABLE places DROP COLUMN geo_earth;
ALTER TABLE places ADD COLUMN geo_earth earth GENERATED ALWAYS AS (places_earth_point(geo_lat, geo_lon)) STORED;
CREATE INDEX places_geo_earth_idx ON places USING gist (geo_earth) WHERE geo_lat IS NOT NULL AND status = 'open';
