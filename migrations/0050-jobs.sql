-- Background work (platform/jobs): jobs to run once (now, later, or again after a failure)
-- and the next run of each recurring job. A job is claimed inside the transaction that runs
-- it (FOR UPDATE SKIP LOCKED), so several app instances never run the same job twice.
CREATE TABLE jobs (
  id bigserial PRIMARY KEY,
  name text NOT NULL,
  payload jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- At most one job per key while it is kept (one run of a schedule per period, one
  -- statement per place, organisation, funder and month…); NULL for no such rule.
  dedupe_key text UNIQUE,
  run_at timestamptz NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  created_at timestamptz NOT NULL,
  done_at timestamptz,
  -- Set when the last attempt failed: the job stays here, visible, until the retention purge.
  failed_at timestamptz
);
CREATE INDEX jobs_due_idx ON jobs (run_at, id) WHERE done_at IS NULL AND failed_at IS NULL;
CREATE INDEX jobs_finished_idx ON jobs (coalesce(done_at, failed_at)) WHERE done_at IS NOT NULL OR failed_at IS NOT NULL;

CREATE TABLE job_schedules (
  name text PRIMARY KEY,
  next_run_at timestamptz NOT NULL,
  last_run_at timestamptz
);
