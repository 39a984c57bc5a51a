-- A transfer to a recipient in mainland China (CN) is not an outbound transfer: kept as a record,
-- never counted, never out of scope, and shown apart. Existing rows were all treated as abroad.
ALTER TABLE transfers ADD COLUMN IF NOT EXISTS domestic Bool DEFAULT false AFTER counted;
