-- Gazetteer of communes from the official postcode base (modules/lieux).
CREATE TABLE communes (
  code_insee text NOT NULL,
  code_postal text NOT NULL,
  -- Hamlet or locality line of the postcode base ('' when none).
  locality text NOT NULL DEFAULT '',
  name text NOT NULL,
  source_name text NOT NULL,
  -- Name with accents removed, lower case, "st" spelled "saint": what look-ups compare.
  name_key text NOT NULL,
  -- City name of the postal routing label (MARSEILLE for its arrondissements).
  city_key text NOT NULL,
  departement text NOT NULL,
  latitude double precision,
  longitude double precision,
  PRIMARY KEY (code_insee, code_postal, locality)
);
CREATE INDEX communes_postcode_idx ON communes (code_postal);
CREATE INDEX communes_name_key_idx ON communes (name_key);
CREATE INDEX communes_city_key_idx ON communes (city_key);
CREATE INDEX communes_name_trgm_idx ON communes USING gin (name_key gin_trgm_ops);

-- Places of digital help: the 32 fields of the national standard v1.0.2, plus what the
-- platform needs (modules/lieux).
CREATE TABLE places (
  id text PRIMARY KEY,
  pivot text NOT NULL,
  nom text NOT NULL,
  commune text NOT NULL,
  code_postal text NOT NULL,
  code_insee text,
  adresse text NOT NULL,
  complement_adresse text,
  latitude double precision,
  longitude double precision,
  typologie text[] NOT NULL DEFAULT '{}',
  telephone text,
  courriels text[] NOT NULL DEFAULT '{}',
  site_web text[] NOT NULL DEFAULT '{}',
  horaires text,
  presentation_resume text,
  presentation_detail text,
  source text,
  itinerance text[] NOT NULL DEFAULT '{}',
  structure_parente text,
  date_maj date NOT NULL,
  services text[] NOT NULL DEFAULT '{}',
  publics_specifiquement_adresses text[] NOT NULL DEFAULT '{}',
  prise_en_charge_specifique text[] NOT NULL DEFAULT '{}',
  frais_a_charge text[] NOT NULL DEFAULT '{}',
  dispositif_programmes_nationaux text[] NOT NULL DEFAULT '{}',
  formations_labels text[] NOT NULL DEFAULT '{}',
  autres_formations_labels text,
  modalites_acces text[] NOT NULL DEFAULT '{}',
  modalites_accompagnement text[] NOT NULL DEFAULT '{}',
  fiche_acces_libre text,
  prise_rdv text,
  -- Platform fields.
  geo_lat double precision,
  geo_lon double precision,
  -- exact: the place's own coordinates; commune: placed at its commune; none: not located.
  geo_precision text NOT NULL CHECK (geo_precision IN ('exact', 'commune', 'none')),
  organisation_id uuid REFERENCES organisations (id) ON DELETE SET NULL,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  origin text NOT NULL,
  imported_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  content_hash text NOT NULL,
  search_text text NOT NULL,
  -- Opening minutes of a typical week (0 = Monday 00:00 Paris), for « ouvert maintenant ».
  open_minutes int4multirange
);
CREATE INDEX places_earth_idx ON places USING gist (ll_to_earth(geo_lat, geo_lon))
  WHERE geo_lat IS NOT NULL AND status = 'open';
CREATE INDEX places_services_idx ON places USING gin (services);
CREATE INDEX places_dispositifs_idx ON places USING gin (dispositif_programmes_nationaux);
CREATE INDEX places_search_trgm_idx ON places USING gin (search_text gin_trgm_ops);
CREATE INDEX places_code_postal_idx ON places (code_postal);
CREATE INDEX places_code_insee_idx ON places (code_insee);
CREATE INDEX places_organisation_idx ON places (organisation_id);

-- One row per import (file or form), with its report, for the admin page and the journal.
CREATE TABLE place_imports (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind text NOT NULL CHECK (kind IN ('places', 'communes')),
  file_name text NOT NULL,
  actor_user_id uuid REFERENCES users (id) ON DELETE SET NULL,
  started_at timestamptz NOT NULL,
  finished_at timestamptz NOT NULL,
  dry_run boolean NOT NULL,
  summary jsonb NOT NULL,
  report jsonb NOT NULL
);
