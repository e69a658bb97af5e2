-- The person helped (usager), owned by modules/people (ADR 0018). Pseudonymous by default: a
-- display name (first name or initials), a birth year or else an age band, a commune of
-- residence or « sans domicile stable » / « domiciliation », optionally a situation. A durable
-- code the person carries on a card (9 symbols, the last one a check symbol).
CREATE TABLE people (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  code text NOT NULL UNIQUE CHECK (code ~ '^[2-9ACEFHJKMNPRTVXY]{9}$'),
  -- Null once erased on request; name_key is the folded name duplicates are compared on.
  display_name text,
  name_key text,
  birth_year integer CHECK (birth_year BETWEEN 1900 AND 2100),
  age_band text,
  residence_kind text NOT NULL CHECK (residence_kind IN ('commune', 'sans_domicile_stable', 'domiciliation')),
  commune_insee text CHECK (commune_insee ~ '^[0-9][0-9AB][0-9]{3}$'),
  -- Kept for anonymised statistics when the commune is erased.
  departement text,
  situation text,
  created_at timestamptz NOT NULL,
  created_by_organisation_id uuid NOT NULL REFERENCES organisations (id),
  erased_at timestamptz,
  -- A duplicate merged into another record keeps only this pointer.
  merged_into uuid REFERENCES people (id),
  merged_at timestamptz,
  CHECK (residence_kind <> 'sans_domicile_stable' OR commune_insee IS NULL),
  CHECK (residence_kind <> 'commune' OR commune_insee IS NOT NULL OR erased_at IS NOT NULL),
  CHECK (merged_into IS NULL OR merged_into <> id)
);
CREATE INDEX people_duplicates_idx ON people (name_key, birth_year) WHERE erased_at IS NULL AND merged_into IS NULL;

-- The structures that follow a person, and on what basis (creation, the person's consent to
-- share the record with this structure, a merge, a Pass numérique booklet).
CREATE TABLE people_follows (
  person_id uuid NOT NULL REFERENCES people (id),
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  since timestamptz NOT NULL,
  by_user_id uuid REFERENCES users (id) ON DELETE SET NULL,
  basis text NOT NULL CHECK (basis IN ('creation', 'consentement_partage', 'fusion', 'carnet_pass')),
  PRIMARY KEY (person_id, organisation_id)
);
CREATE INDEX people_follows_organisation_idx ON people_follows (organisation_id, since);

-- Contact details exist only with a consent: who recorded it, when, for what. Withdrawing the
-- consent deletes the row (the journal keeps that it happened).
CREATE TABLE people_contacts (
  person_id uuid PRIMARY KEY REFERENCES people (id),
  phone text,
  email text,
  consent_purpose text NOT NULL,
  consent_at timestamptz NOT NULL,
  consent_user_id uuid REFERENCES users (id) ON DELETE SET NULL,
  consent_organisation_id uuid NOT NULL REFERENCES organisations (id),
  CHECK (phone IS NOT NULL OR email IS NOT NULL)
);

-- Who opened which person's record, when: append-only, written by reads too (ADR 0018).
CREATE TABLE people_access_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES people (id),
  user_id uuid REFERENCES users (id) ON DELETE SET NULL,
  organisation_id uuid REFERENCES organisations (id),
  action text NOT NULL CHECK (action IN ('consultation', 'recherche_par_code', 'impression')),
  at timestamptz NOT NULL
);
CREATE INDEX people_access_log_person_idx ON people_access_log (person_id, at);

-- A FranceConnect (or other OpenID Connect) identity linked under a mandate: the provider's
-- subject keyed-hashed, visible only to the structure holding the mandate.
CREATE TABLE people_identity_links (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  person_id uuid NOT NULL REFERENCES people (id),
  provider text NOT NULL,
  subject_hash text NOT NULL,
  mandate_organisation_id uuid NOT NULL REFERENCES organisations (id),
  linked_at timestamptz NOT NULL,
  linked_by uuid REFERENCES users (id) ON DELETE SET NULL,
  UNIQUE (provider, subject_hash, mandate_organisation_id)
);
CREATE INDEX people_identity_links_person_idx ON people_identity_links (person_id);
