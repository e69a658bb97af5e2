-- Signing keys of the OpenID Connect providers the app serves (platform/identity/signing-keys.ts):
-- persisted so that tokens survive a restart, private parts encrypted with SECRET_KEY, rotated in
-- two steps (a new key is published before it signs; a retired key still verifies a while).
CREATE TABLE oidc_signing_keys (
  provider text NOT NULL,
  kid text NOT NULL,
  sealed_jwk text NOT NULL,
  state text NOT NULL CHECK (state IN ('next', 'current', 'retired')),
  created_at timestamptz NOT NULL,
  changed_at timestamptz NOT NULL,
  PRIMARY KEY (provider, kid)
);
CREATE UNIQUE INDEX oidc_signing_keys_one_current ON oidc_signing_keys (provider) WHERE state = 'current';
