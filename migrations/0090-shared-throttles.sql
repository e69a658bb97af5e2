-- Throttles shared by every app instance and kept across restarts (issue 9).
-- rate_limit_counters: the fixed-window counters of @fastify/rate-limit (one row per route
-- and client key). sign_in_failures: one row per failed password or second-factor code, per
-- subject (an account, an address), read over the last 15 minutes. Subjects are stored as a
-- keyed hash: no e-mail address nor IP address in the table.
CREATE TABLE rate_limit_counters (
  key text PRIMARY KEY,
  hits integer NOT NULL,
  reset_at timestamptz NOT NULL
);
CREATE INDEX rate_limit_counters_reset_at ON rate_limit_counters (reset_at);

CREATE TABLE sign_in_failures (
  id bigserial PRIMARY KEY,
  subject text NOT NULL,
  failed_at timestamptz NOT NULL
);
CREATE INDEX sign_in_failures_subject ON sign_in_failures (subject, failed_at);
