-- Extensions the search features need, available on both PGlite and PostgreSQL 15+.
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS cube;
CREATE EXTENSION IF NOT EXISTS earthdistance;

-- Append-only audit journal (platform/journal). Rows are chained per stream by hash.
CREATE TABLE journal (
  id bigserial PRIMARY KEY,
  stream text NOT NULL,
  stream_seq bigint NOT NULL,
  occurred_at timestamptz NOT NULL,
  actor_user_id uuid,
  organisation_id uuid,
  action text NOT NULL,
  target_type text,
  target_id text,
  details jsonb NOT NULL DEFAULT '{}'::jsonb,
  prev_hash text NOT NULL,
  hash text NOT NULL,
  UNIQUE (stream, stream_seq)
);
CREATE INDEX journal_organisation_idx ON journal (organisation_id, occurred_at);
CREATE INDEX journal_target_idx ON journal (target_type, target_id);

CREATE FUNCTION journal_forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'le journal est en ajout seul';
END
$$;
CREATE TRIGGER journal_append_only BEFORE UPDATE OR DELETE ON journal
  FOR EACH ROW EXECUTE FUNCTION journal_forbid_change();
CREATE TRIGGER journal_no_truncate BEFORE TRUNCATE ON journal
  FOR EACH STATEMENT EXECUTE FUNCTION journal_forbid_change();

-- Side effects scheduled by a transaction and carried out after it commits (platform/outbox).
CREATE TABLE outbox (
  id bigserial PRIMARY KEY,
  topic text NOT NULL,
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  available_at timestamptz NOT NULL DEFAULT now(),
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  done_at timestamptz
);
CREATE INDEX outbox_pending_idx ON outbox (available_at) WHERE done_at IS NULL;

-- Development mailbox: e-mails kept here when no SMTP server is configured (platform/mail).
CREATE TABLE dev_mailbox (
  id bigserial PRIMARY KEY,
  sent_at timestamptz NOT NULL DEFAULT now(),
  recipient text NOT NULL,
  subject text NOT NULL,
  text_body text NOT NULL,
  raw text NOT NULL
);
