-- Accompagnements (modules/support): support sessions recorded by helpers, individual or
-- collective (workshops). Anonymous workshop participants are kept as counts, never as fake
-- individuals. The person a session names (person_id) belongs to the people module; its
-- foreign key is added by a later migration, once that module's table exists (ADR 0020).

CREATE TABLE support_sessions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  helper_user_id uuid REFERENCES users (id) ON DELETE SET NULL,
  kind text NOT NULL CHECK (kind IN ('individuel', 'atelier')),
  session_date date NOT NULL,
  duration_minutes integer NOT NULL CHECK (duration_minutes BETWEEN 1 AND 480),
  place_kind text NOT NULL CHECK (place_kind IN ('lieu', 'domicile', 'distance', 'autre')),
  place_id text REFERENCES places (id) ON DELETE SET NULL,
  -- Where the session counts in statistics (the place's commune, or the commune typed).
  commune_insee text,
  departement text,
  themes text[] NOT NULL CHECK (cardinality(themes) >= 1),
  procedures text[] NOT NULL DEFAULT '{}',
  procedure_name text CHECK (length(procedure_name) <= 200),
  devices text[] NOT NULL DEFAULT '{}',
  -- The helper's rating of the person's autonomy at the end (individual sessions).
  autonomy text CHECK (autonomy IN ('fait_pour', 'avec_guidage', 'autonome_avec_aide_ponctuelle', 'autonome')),
  -- The person's own answer to « Pourriez-vous le refaire seul(e) ? », kept apart.
  self_assessment text CHECK (self_assessment IN ('oui', 'avec_aide', 'non')),
  oriented_to text,
  oriented_place_id text REFERENCES places (id) ON DELETE SET NULL,
  -- Private to the helper who wrote it.
  notes text CHECK (length(notes) <= 2000),
  workshop_title text CHECK (length(workshop_title) <= 200),
  workshop_level text CHECK (workshop_level IN ('debutant', 'intermediaire', 'avance')),
  -- Anonymous workshop participants as counts: {total, deja, genre{}, age{}, statut{}}.
  anonymous_counts jsonb,
  anonymous_total integer NOT NULL DEFAULT 0 CHECK (anonymous_total BETWEEN 0 AND 500),
  person_id uuid,
  slip_code text,
  is_demo boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CHECK (kind = 'atelier' OR anonymous_total = 0)
);
CREATE INDEX support_sessions_organisation_idx ON support_sessions (organisation_id, session_date);
CREATE INDEX support_sessions_helper_idx ON support_sessions (helper_user_id, session_date);
CREATE INDEX support_sessions_departement_idx ON support_sessions (departement, session_date);
CREATE INDEX support_sessions_person_idx ON support_sessions (person_id, session_date) WHERE person_id IS NOT NULL;

-- Followed participants of a workshop (an individual session names its person in person_id).
CREATE TABLE support_session_participants (
  session_id uuid NOT NULL REFERENCES support_sessions (id) ON DELETE CASCADE,
  person_id uuid NOT NULL,
  PRIMARY KEY (session_id, person_id)
);
CREATE INDEX support_session_participants_person_idx ON support_session_participants (person_id);

-- What a helper chose last time in a structure: the form opens with it (fast path).
CREATE TABLE support_helper_defaults (
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  defaults jsonb NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (user_id, organisation_id)
);

-- Territory and national figures, computed by the hourly job « support.refresh-statistics ».
CREATE TABLE support_statistics_snapshots (
  scope text PRIMARY KEY,
  computed_at timestamptz NOT NULL,
  payload jsonb NOT NULL
);
