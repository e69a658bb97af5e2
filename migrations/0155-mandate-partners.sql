-- Mandates (issue 16), part 3: Passerelle as an OpenID Connect provider for partner services.
-- Partner services registered by platform administrators (the provider's clients: oidc-provider
-- reads them through this table), and, per authorisation granted by a helper, the delegation
-- chosen (which mandate, which family, which helper in which structure) that the provider
-- re-checks at token issuance and at every userinfo call.
CREATE TABLE mandate_partners (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  client_id text NOT NULL UNIQUE,
  name text NOT NULL,
  auth_method text NOT NULL CHECK (auth_method IN ('private_key_jwt', 'client_secret_post')),
  -- client_secret_post: the secret sealed with SECRET_KEY (oidc-provider compares the plain
  -- value); shown once to the administrator, never again (ADR 0032).
  sealed_secret text,
  -- private_key_jwt: the partner's public keys, inline or at an address.
  jwks jsonb,
  jwks_uri text,
  redirect_uris text[] NOT NULL,
  post_logout_redirect_uris text[] NOT NULL DEFAULT '{}',
  families text[] NOT NULL,
  disabled_at timestamptz,
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CHECK (cardinality(redirect_uris) > 0),
  CHECK (cardinality(families) > 0),
  CHECK (
    (auth_method = 'client_secret_post' AND sealed_secret IS NOT NULL)
    OR (auth_method = 'private_key_jwt' AND (jwks IS NOT NULL OR jwks_uri IS NOT NULL))
  )
);

CREATE TABLE mandate_partner_grants (
  grant_id text PRIMARY KEY,
  partner_id uuid NOT NULL REFERENCES mandate_partners (id) ON DELETE CASCADE,
  mandate_id uuid NOT NULL REFERENCES mandates (id) ON DELETE CASCADE,
  family text NOT NULL,
  helper_user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL,
  -- The grant's lifetime at the provider: purged afterwards (mandats.partner-grants-purge).
  expires_at timestamptz NOT NULL,
  -- Set when the first token is issued: the mandate use is recorded once per grant.
  used_at timestamptz
);
CREATE INDEX mandate_partner_grants_expires_idx ON mandate_partner_grants (expires_at);
CREATE INDEX mandate_partner_grants_mandate_idx ON mandate_partner_grants (mandate_id);
