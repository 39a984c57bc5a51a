CREATE TABLE IF NOT EXISTS subject_recent
(
    scope_level  Enum8('processor' = 1, 'certificate' = 2, 'group' = 3),
    scope_id     String,
    year         UInt16,
    class        Enum8('nonSensitive' = 1, 'sensitive' = 2),
    inserted_at  DateTime64(6, 'UTC'),
    id_hash      FixedString(32)
)
ENGINE = MergeTree
ORDER BY (scope_level, scope_id, year, class, inserted_at)
TTL toDateTime(inserted_at) + INTERVAL 7 DAY;
CREATE MATERIALIZED VIEW IF NOT EXISTS subject_recent_mv TO subject_recent AS
SELECT scope_level, scope_id, year, class, inserted_at, id_hash FROM subject_first_seen;
INSERT INTO subject_recent SELECT scope_level, scope_id, year, class, inserted_at, id_hash FROM subject_first_seen
WHERE inserted_at > now64(6) - INTERVAL 7 DAY;
ALTER TABLE subject_first_seen DROP INDEX IF EXISTS inserted_at_minmax;
