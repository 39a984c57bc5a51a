DROP TABLE IF EXISTS incidents;
DROP TABLE IF EXISTS group_epochs;
ALTER TABLE transfers DROP COLUMN IF EXISTS pending;
ALTER TABLE transfers DROP COLUMN IF EXISTS judged_at;
ALTER TABLE transfers DROP COLUMN IF EXISTS scope_version;
DROP TABLE IF EXISTS scope_versions;
