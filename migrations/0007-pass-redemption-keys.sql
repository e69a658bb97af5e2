-- A redemption's voucher, booklet and programme are checked by one foreign key on the voucher
-- row — which the redemption has just updated, so it is already locked — instead of three, two
-- of which locked the booklet's and the programme's rows (KEY SHARE) in every concurrent
-- redemption of the programme: the programme row became a point of contention under load
-- (bench/pass-redeem.ts). It also guarantees the copies match the voucher.
CREATE UNIQUE INDEX pass_vouchers_code_booklet_programme_key ON pass_vouchers (code, booklet_id, programme_id);
ALTER TABLE pass_redemptions
  DROP CONSTRAINT pass_redemptions_voucher_code_fkey,
  DROP CONSTRAINT pass_redemptions_booklet_id_fkey,
  DROP CONSTRAINT pass_redemptions_programme_id_fkey,
  ADD CONSTRAINT pass_redemptions_voucher_fkey FOREIGN KEY (voucher_code, booklet_id, programme_id)
    REFERENCES pass_vouchers (code, booklet_id, programme_id);
