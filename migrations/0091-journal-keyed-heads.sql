-- Journal tamper detection (issue 9, ADR 0017). Rows written from now on carry a keyed hash
-- (HMAC-SHA256 with a key derived from SECRET_KEY, computed by PostgreSQL from the two padded
-- keys the application sends as parameters). Each stream has a head (last sequence number and
-- hash, authenticated by a MAC the database cannot forge without the key), updated by the
-- insert itself: the BEFORE INSERT trigger moves the head's MAC out of the row into
-- journal_heads, so that no row keeps the MAC of an older head. The head named '' counts the
-- streams that have a head, with its own MAC: deleting a whole stream and its head shows.
CREATE TABLE journal_heads (
  stream text PRIMARY KEY,
  seq bigint NOT NULL,
  hash text NOT NULL,
  mac text NOT NULL
);

ALTER TABLE journal ADD COLUMN head_mac text;
ALTER TABLE journal ADD COLUMN stream_count bigint;
ALTER TABLE journal ADD COLUMN stream_count_mac text;

DROP FUNCTION journal_stream_head(text);
-- The head of a stream under the stream's lock (held to the end of the transaction). A stream
-- without a head yet (new, or written before this migration) also takes the registry's lock
-- and gets the number it will make the stream count.
CREATE FUNCTION journal_stream_head(p_stream text, OUT seq bigint, OUT hash text, OUT new_stream_count bigint)
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('journal:' || p_stream));
  SELECT h.seq, h.hash INTO seq, hash FROM journal_heads h WHERE h.stream = p_stream;
  IF NOT FOUND THEN
    SELECT j.stream_seq, j.hash INTO seq, hash FROM journal j WHERE j.stream = p_stream ORDER BY j.stream_seq DESC LIMIT 1;
    PERFORM pg_advisory_xact_lock(hashtext('journal:*registry*'));
    new_stream_count := coalesce((SELECT r.seq FROM journal_heads r WHERE r.stream = ''), 0) + 1;
  END IF;
END
$$;

CREATE FUNCTION journal_move_head() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.head_mac IS NOT NULL THEN
    INSERT INTO journal_heads (stream, seq, hash, mac) VALUES (NEW.stream, NEW.stream_seq, NEW.hash, NEW.head_mac)
      ON CONFLICT (stream) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, mac = excluded.mac;
  END IF;
  IF NEW.stream_count IS NOT NULL THEN
    INSERT INTO journal_heads (stream, seq, hash, mac) VALUES ('', NEW.stream_count, '', NEW.stream_count_mac)
      ON CONFLICT (stream) DO UPDATE SET seq = excluded.seq, mac = excluded.mac;
  END IF;
  NEW.head_mac := NULL;
  NEW.stream_count := NULL;
  NEW.stream_count_mac := NULL;
  RETURN NEW;
END
$$;
CREATE TRIGGER journal_move_head BEFORE INSERT ON journal FOR EACH ROW EXECUTE FUNCTION journal_move_head();

-- Heads only move forward and are never deleted by the application (an attacker with the
-- rights to disable this trigger is what the MACs are for).
CREATE FUNCTION journal_heads_forward_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR NEW.seq < OLD.seq THEN
    RAISE EXCEPTION 'la tête du journal ne recule pas';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER journal_heads_forward_only BEFORE UPDATE OR DELETE ON journal_heads
  FOR EACH ROW EXECUTE FUNCTION journal_heads_forward_only();
