-- Mandates (issue 16), part 2: the usager's identity from FranceConnect (only what the law
-- needs; the provider's subject keyed-hashed), mandates between a structure and an usager,
-- one authorisation per procedure family, and what was done under each.
CREATE TABLE mandate_usagers (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- HMAC-SHA256(SECRET_KEY-derived key, issuer + subject): the raw subject is never stored.
  subject_hash text NOT NULL UNIQUE,
  given_name text NOT NULL,
  family_name text NOT NULL,
  birthdate text NOT NULL,
  gender text,
  birthplace text,
  birthcountry text,
  email text,
  -- The person of the people module, once linked (issue 11 §2).
  person_id uuid,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

CREATE TABLE mandates (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- Random, unguessable; the public reference is this plus its MAC (verification page).
  reference text NOT NULL UNIQUE,
  organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE RESTRICT,
  usager_id uuid NOT NULL REFERENCES mandate_usagers (id) ON DELETE RESTRICT,
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL,
  duration text NOT NULL CHECK (duration IN ('jour', 'mois', 'semestre', 'annee')),
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz,
  revoked_by text CHECK (revoked_by IN ('structure', 'usager')),
  renews uuid REFERENCES mandates (id) ON DELETE SET NULL,
  template_version text NOT NULL,
  template_hash text NOT NULL,
  reminder_sent_at timestamptz,
  CHECK (expires_at > created_at)
);
CREATE INDEX mandates_organisation_idx ON mandates (organisation_id, expires_at);
CREATE INDEX mandates_usager_idx ON mandates (usager_id);

CREATE TABLE mandate_authorisations (
  mandate_id uuid NOT NULL REFERENCES mandates (id) ON DELETE CASCADE,
  family text NOT NULL,
  revoked_at timestamptz,
  PRIMARY KEY (mandate_id, family)
);

-- What was done under a mandate (shown in « Mes mandats »): one row per use.
CREATE TABLE mandate_uses (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  mandate_id uuid NOT NULL REFERENCES mandates (id) ON DELETE CASCADE,
  family text NOT NULL,
  helper_user_id uuid REFERENCES users (id) ON DELETE SET NULL,
  helper_first_name text NOT NULL,
  partner text NOT NULL,
  used_at timestamptz NOT NULL
);
CREATE INDEX mandate_uses_mandate_idx ON mandate_uses (mandate_id, used_at);
