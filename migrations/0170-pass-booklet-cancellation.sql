-- A booklet not yet handed out can be cancelled by its programme's coordinator (ADR 0027):
-- printed by mistake, lost before hand-out, issued too many. Its vouchers become 'cancelled' and
-- are refused with « carnet annulé »; it can no longer be assigned, printed or handed out.
ALTER TABLE pass_booklets ADD COLUMN cancelled_at timestamptz;
ALTER TABLE pass_booklets ADD COLUMN cancelled_by uuid REFERENCES users (id) ON DELETE SET NULL;
ALTER TABLE pass_booklets ADD CONSTRAINT pass_booklets_cancelled_not_handed_out
  CHECK (cancelled_at IS NULL OR distributed_at IS NULL);
-- How the beneficiary can reach the professional who handed the booklet out (a work phone or
-- e-mail the professional chose to print on the letter); erased with the hand-out if undone.
ALTER TABLE pass_booklets ADD COLUMN handed_out_contact text;
