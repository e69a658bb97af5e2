-- Mandates (issue 16), part 1: habilitations. A coordinateur of the territory habilitates a
-- structure (reference, procedure families, dates) and records each helper's training; a
-- structure or a helper can be suspended, which stops every use at once.
CREATE TABLE mandate_structure_habilitations (
  organisation_id uuid PRIMARY KEY REFERENCES organisations (id) ON DELETE CASCADE,
  reference text NOT NULL,
  families text[] NOT NULL,
  starts_on date NOT NULL,
  ends_on date,
  habilitated_by uuid REFERENCES users (id) ON DELETE SET NULL,
  habilitated_at timestamptz NOT NULL,
  suspended_at timestamptz,
  CHECK (cardinality(families) > 0),
  CHECK (ends_on IS NULL OR ends_on >= starts_on)
);

CREATE TABLE mandate_helpers (
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  -- Null: not habilitated until a coordinateur records the training.
  trained_on date,
  pix_certified_on date,
  recorded_by uuid REFERENCES users (id) ON DELETE SET NULL,
  recorded_at timestamptz,
  suspended_at timestamptz,
  -- Rows created from the former « habilité à agir pour le compte d'autrui » flag, journaled by
  -- the job mandats.journal-legacy-flags (the journal's keyed hash is not computable here).
  from_legacy_flag boolean NOT NULL DEFAULT false,
  legacy_journaled_at timestamptz,
  PRIMARY KEY (user_id, organisation_id)
);
CREATE INDEX mandate_helpers_organisation_idx ON mandate_helpers (organisation_id);
CREATE INDEX mandate_helpers_legacy_idx ON mandate_helpers (user_id) WHERE from_legacy_flag AND legacy_journaled_at IS NULL;

-- The structure a helper currently acts for (several structures, one at a time).
CREATE TABLE mandate_current_structures (
  user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  chosen_at timestamptz NOT NULL
);

-- Today's flags become « not habilitated until a coordinateur records the training ».
INSERT INTO mandate_helpers (user_id, organisation_id, from_legacy_flag)
SELECT user_id, organisation_id, true FROM memberships WHERE can_act_on_behalf;
