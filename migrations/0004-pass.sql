-- Pass numérique: programmes, booklets, vouchers, qualified places, redemptions, statements
-- (modules/pass).
CREATE TABLE pass_programmes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  coordinator_organisation_id uuid NOT NULL REFERENCES organisations (id),
  funder_organisation_id uuid NOT NULL REFERENCES organisations (id),
  territory_departements text[] NOT NULL DEFAULT '{}',
  territory_communes text[] NOT NULL DEFAULT '{}',
  target_publics text,
  face_value_cents integer NOT NULL CHECK (face_value_cents > 0),
  vouchers_per_booklet integer NOT NULL CHECK (vouchers_per_booklet BETWEEN 1 AND 20),
  valid_from date NOT NULL,
  valid_until date NOT NULL,
  tolerance_days integer NOT NULL CHECK (tolerance_days >= 0),
  distribution_stop_days integer NOT NULL CHECK (distribution_stop_days >= 0),
  services text[] NOT NULL,
  created_at timestamptz NOT NULL,
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  CHECK (valid_until >= valid_from)
);

CREATE TABLE pass_booklets (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  programme_id uuid NOT NULL REFERENCES pass_programmes (id),
  number integer NOT NULL,
  distributor_organisation_id uuid REFERENCES organisations (id),
  assigned_at timestamptz,
  distributed_at timestamptz,
  distributed_by uuid REFERENCES users (id) ON DELETE SET NULL,
  -- Pseudonymous facts about the beneficiary: no name, no contact.
  beneficiary jsonb,
  created_at timestamptz NOT NULL,
  UNIQUE (programme_id, number)
);
CREATE INDEX pass_booklets_distributor_idx ON pass_booklets (distributor_organisation_id, distributed_at);

CREATE TABLE pass_vouchers (
  code text PRIMARY KEY,
  booklet_id uuid NOT NULL REFERENCES pass_booklets (id),
  programme_id uuid NOT NULL REFERENCES pass_programmes (id),
  position integer NOT NULL,
  status text NOT NULL DEFAULT 'available' CHECK (status IN ('available', 'redeemed', 'cancelled')),
  UNIQUE (booklet_id, position)
);
CREATE INDEX pass_vouchers_programme_idx ON pass_vouchers (programme_id, status);

-- A structure's request to accept vouchers at one of its places, and the coordinator's decision.
CREATE TABLE pass_qualifications (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  place_id text NOT NULL REFERENCES places (id),
  siret text NOT NULL,
  services text[] NOT NULL,
  commitments jsonb NOT NULL,
  status text NOT NULL CHECK (status IN ('requested', 'qualified', 'refused', 'suspended')),
  requested_at timestamptz NOT NULL,
  requested_by uuid REFERENCES users (id) ON DELETE SET NULL,
  decided_at timestamptz,
  decided_by uuid REFERENCES users (id) ON DELETE SET NULL,
  decision_reason text,
  UNIQUE (place_id)
);

CREATE TABLE pass_statements (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  place_id text NOT NULL REFERENCES places (id),
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  funder_organisation_id uuid NOT NULL REFERENCES organisations (id),
  month date NOT NULL,
  vouchers integer NOT NULL,
  amount_cents integer NOT NULL,
  created_at timestamptz NOT NULL,
  paid_at timestamptz,
  payment_reference text,
  paid_by uuid REFERENCES users (id) ON DELETE SET NULL,
  UNIQUE (place_id, funder_organisation_id, month)
);

CREATE TABLE pass_redemptions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  voucher_code text NOT NULL REFERENCES pass_vouchers (code),
  programme_id uuid NOT NULL REFERENCES pass_programmes (id),
  booklet_id uuid NOT NULL REFERENCES pass_booklets (id),
  place_id text NOT NULL REFERENCES places (id),
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  helper_user_id uuid REFERENCES users (id) ON DELETE SET NULL,
  service text NOT NULL,
  amount_cents integer NOT NULL,
  redeemed_at timestamptz NOT NULL,
  idempotency_key text NOT NULL,
  channel text NOT NULL CHECK (channel IN ('web', 'api')),
  undone_at timestamptz,
  undone_by uuid REFERENCES users (id) ON DELETE SET NULL,
  undo_reason text,
  statement_id uuid REFERENCES pass_statements (id),
  UNIQUE (organisation_id, idempotency_key)
);
-- A voucher has at most one redemption that counts.
CREATE UNIQUE INDEX pass_redemptions_live_idx ON pass_redemptions (voucher_code) WHERE undone_at IS NULL;
CREATE INDEX pass_redemptions_place_idx ON pass_redemptions (place_id, redeemed_at);
CREATE INDEX pass_redemptions_programme_idx ON pass_redemptions (programme_id, redeemed_at);

-- Tokens of software that redeems vouchers through the API (only a hash is kept).
CREATE TABLE pass_api_tokens (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  name text NOT NULL,
  token_hash text NOT NULL UNIQUE,
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL,
  last_used_at timestamptz,
  revoked_at timestamptz
);
