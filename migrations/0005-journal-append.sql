-- The head of a journal stream, read under the stream's lock, in one round trip (the lock is
-- held until the end of the calling transaction). Used by platform/journal.
CREATE FUNCTION journal_stream_head(p_stream text, OUT seq bigint, OUT hash text)
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('journal:' || p_stream));
  SELECT j.stream_seq, j.hash INTO seq, hash FROM journal j WHERE j.stream = p_stream ORDER BY j.stream_seq DESC LIMIT 1;
END
$$;
