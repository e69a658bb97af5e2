-- A redemption changes only the voucher's status. With status out of every index and room left
-- in each page, PostgreSQL updates the row in place (a « HOT » update) instead of adding an
-- entry to each of the voucher's indexes (bench/pass-redeem.ts). The count of redeemed
-- vouchers of a programme reads its rows through the programme index, as it did.
DROP INDEX pass_vouchers_programme_idx;
CREATE INDEX pass_vouchers_programme_idx ON pass_vouchers (programme_id);
ALTER TABLE pass_vouchers SET (fillfactor = 90);
