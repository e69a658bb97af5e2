-- The fixed-window counters of @fastify/rate-limit (0090) are written by every request of a
-- rate-limited route (the public API, the pages opened by a slip code). As an ordinary table
-- each of those writes waits for its WAL to be flushed to disk, and the requests of one client
-- key queue behind each other's flush on the key's row: 10–15 ms of wall time and 0.6 ms of
-- PostgreSQL CPU per request on the shared bench machine, against 2.5 ms and 0.2 ms unlogged
-- (ADR 0035). A counter lives one minute: losing the counters in a crash (PostgreSQL empties
-- unlogged tables on recovery) or a failover to a standby only lets a client start a fresh
-- window early.
ALTER TABLE rate_limit_counters SET UNLOGGED;
