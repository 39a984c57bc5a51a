-- Foundation schema.
-- One row per accepted transfer (eventId is the idempotency key). Never holds subject ids.
CREATE TABLE IF NOT EXISTS transfers
(
    event_id             String,
    occurred_at          DateTime64(3, 'UTC'),
    year                 UInt16,
    processor_id         LowCardinality(String),
    certificate_id       LowCardinality(String),
    group_id             LowCardinality(String),
    mechanism            LowCardinality(String),
    exemption_basis      LowCardinality(String),
    system               LowCardinality(String),
    recipient_id         LowCardinality(String),
    recipient_country    LowCardinality(String),
    purpose              LowCardinality(String),
    categories           Array(LowCardinality(String)),
    important_data       Bool,
    counted              Bool,
    classes              Array(LowCardinality(String)),
    subject_count        UInt32,
    non_sensitive_subjects UInt32,
    sensitive_subjects   UInt32,
    unknown_categories   Array(String),
    out_of_scope_reasons Array(LowCardinality(String)),
    ingested_at          DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree
PARTITION BY year
ORDER BY event_id;

-- The truth behind every count: one row per (scope, year, class, person). Inserting the same
-- person again only adds a row that merges away (min of both times), so writes are idempotent
-- and any number of writers may insert. `inserted_at` (server time) lets a count be split into a
-- settled checkpoint and a short tail (see usage.ts).
CREATE TABLE IF NOT EXISTS subject_first_seen
(
    scope_level  Enum8('processor' = 1, 'certificate' = 2, 'group' = 3),
    scope_id     String,
    year         UInt16,
    class        Enum8('nonSensitive' = 1, 'sensitive' = 2),
    id_hash      FixedString(32),
    first_seen   SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
    inserted_at  SimpleAggregateFunction(min, DateTime64(6, 'UTC')) DEFAULT now64(6)
)
ENGINE = AggregatingMergeTree
PARTITION BY year
ORDER BY (scope_level, scope_id, year, class, id_hash)
SETTINGS index_granularity = 1024;

-- The recent tail of subject_first_seen, ordered by insertion time so the rows written since a
-- checkpoint are found without scanning the year. Rows older than a week are dropped; a
-- checkpoint older than that is not trusted (usage.ts falls back to a full exact count).
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

-- Exact distinct counts of every row settled at `watermark` (inserted_at <= watermark).
CREATE TABLE IF NOT EXISTS count_checkpoints
(
    scope_level  Enum8('processor' = 1, 'certificate' = 2, 'group' = 3),
    scope_id     String,
    year         UInt16,
    class        Enum8('nonSensitive' = 1, 'sensitive' = 2),
    watermark    DateTime64(6, 'UTC'),
    individuals  UInt64
)
ENGINE = ReplacingMergeTree(watermark)
ORDER BY (scope_level, scope_id, year, class);

-- New individuals per China-time day by first-seen time, rewritten with each checkpoint.
CREATE TABLE IF NOT EXISTS daily_new_individuals
(
    scope_level  Enum8('processor' = 1, 'certificate' = 2, 'group' = 3),
    scope_id     String,
    year         UInt16,
    class        Enum8('nonSensitive' = 1, 'sensitive' = 2),
    day          Date,
    watermark    DateTime64(6, 'UTC'),
    individuals  UInt64
)
ENGINE = ReplacingMergeTree(watermark)
ORDER BY (scope_level, scope_id, year, class, day);

-- Declared scopes (SPEC §4), kept whole as JSON; the latest version wins.
CREATE TABLE IF NOT EXISTS certificates
(
    certificate_id String,
    processor_id   String,
    group_id       String,
    body           String,
    updated_at     DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY certificate_id;

-- Per-processor settings: group membership, CII status, whether exempt transfers count.
CREATE TABLE IF NOT EXISTS processors
(
    processor_id  String,
    group_id      String,
    count_exempt  Bool,
    cii_operator  Bool,
    updated_at    DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY processor_id;

-- Which scopes received rows, and when last: lets the checkpointer find work without a scan.
CREATE TABLE IF NOT EXISTS scope_activity
(
    scope_level       Enum8('processor' = 1, 'certificate' = 2, 'group' = 3),
    scope_id          String,
    year              UInt16,
    last_inserted_at  SimpleAggregateFunction(max, DateTime64(6, 'UTC'))
)
ENGINE = AggregatingMergeTree
ORDER BY (scope_level, scope_id, year);

CREATE MATERIALIZED VIEW IF NOT EXISTS scope_activity_mv TO scope_activity AS
SELECT scope_level, scope_id, year, max(inserted_at) AS last_inserted_at
FROM subject_first_seen
GROUP BY scope_level, scope_id, year;
