-- Orientation: the public diagnostic (modules/orientation). No personal data: no name, no
-- contact, no exact position (a device position is rounded to about 1 km).

-- A diagnostic in progress: one per « Commencer », found by the hash of a random cookie
-- secret, deleted when the result is shown (or after 2 hours without an answer).
CREATE TABLE orientation_sessions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  token_hash text NOT NULL UNIQUE,
  answers jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- Where the person looks for help, once resolved (label, INSEE code, département, point).
  location jsonb,
  interface_language text NOT NULL CHECK (interface_language IN ('fr', 'en', 'ar')),
  -- Set when a professional runs the diagnostic with the person (from /espace).
  prescriber_organisation_id uuid REFERENCES organisations (id) ON DELETE CASCADE,
  prescriber_user_id uuid REFERENCES users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX orientation_sessions_updated_idx ON orientation_sessions (updated_at);

-- A finished diagnostic: its anonymous answers (statistics) and its slip (fiche d'orientation).
CREATE TABLE orientation_slips (
  code text PRIMARY KEY CHECK (code ~ '^[2-9ACEFHJKMNPRTVXY]{8}$'),
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  level text NOT NULL CHECK (level IN ('urgence', 'inclusion', 'competences')),
  needs text[] NOT NULL,
  themes text[] NOT NULL,
  procedure text NOT NULL,
  deadline text NOT NULL,
  equipment text[] NOT NULL,
  skills text[] NOT NULL,
  reading text NOT NULL,
  help_language text NOT NULL,
  help_mode text NOT NULL,
  interface_language text NOT NULL CHECK (interface_language IN ('fr', 'en', 'ar')),
  location_label text NOT NULL,
  commune_insee text,
  departement text,
  latitude double precision NOT NULL,
  longitude double precision NOT NULL,
  prescriber_organisation_id uuid REFERENCES organisations (id) ON DELETE SET NULL,
  prescriber_user_id uuid REFERENCES users (id) ON DELETE SET NULL,
  destination_place_id text REFERENCES places (id) ON DELETE SET NULL,
  honoured_at timestamptz,
  honoured_by_organisation_id uuid REFERENCES organisations (id) ON DELETE SET NULL,
  is_demo boolean NOT NULL DEFAULT false,
  CHECK (expires_at > created_at)
);
CREATE INDEX orientation_slips_created_idx ON orientation_slips (created_at);
CREATE INDEX orientation_slips_departement_idx ON orientation_slips (departement, created_at);
CREATE INDEX orientation_slips_prescriber_idx ON orientation_slips (prescriber_organisation_id);

-- A professional's note on a slip, for the place the person is sent to. Never shown on the
-- public page; deleted when the slip expires (90 days).
CREATE TABLE orientation_slip_notes (
  slip_code text PRIMARY KEY REFERENCES orientation_slips (code) ON DELETE CASCADE,
  organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  author_user_id uuid REFERENCES users (id) ON DELETE SET NULL,
  note text NOT NULL CHECK (length(note) BETWEEN 1 AND 1000),
  written_at timestamptz NOT NULL
);
