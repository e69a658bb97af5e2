-- A message of the outbox is claimed by one app instance before it is sent: until
-- claimed_until, other instances leave it alone (platform/outbox). Without it, two servers
-- read the same pending rows and both sent each e-mail.
ALTER TABLE outbox ADD COLUMN claimed_until timestamptz;
