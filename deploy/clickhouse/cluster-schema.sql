-- The store schema on a ClickHouse cluster named pi_egress, database pi_egress: what the migrator
-- applies itself when CLICKHOUSE_CLUSTER is set (packages/store/README.md). Generated, do not edit:
-- UPDATE_CLUSTER_SCHEMA=1 npx vitest run packages/store/src/cluster-schema.unit.test.ts

CREATE TABLE IF NOT EXISTS schema_migrations_local ON CLUSTER pi_egress (version UInt32, name String, applied Bool, at DateTime64(3, 'UTC') DEFAULT now64(3)) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}', at) ORDER BY version;

CREATE TABLE IF NOT EXISTS schema_migrations ON CLUSTER pi_egress AS schema_migrations_local ENGINE = Distributed(pi_egress, pi_egress, schema_migrations_local, cityHash64(version));

CREATE TABLE IF NOT EXISTS transfers_local ON CLUSTER pi_egress (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')
PARTITION BY year
ORDER BY event_id;

CREATE TABLE IF NOT EXISTS transfers ON CLUSTER pi_egress AS transfers_local ENGINE = Distributed(pi_egress, pi_egress, transfers_local, cityHash64(event_id));

CREATE TABLE IF NOT EXISTS subject_first_seen_local ON CLUSTER pi_egress (
    scope_level  Enum8('processor' = 1, 'certificate' = 2, 'group' = 3),
    scope_id     String,
    year         UInt16,
    class        Enum8('nonSensitive' = 1, 'sensitive' = 2),
    id_hash      FixedString(32),
    first_seen   SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
    inserted_at  SimpleAggregateFunction(min, DateTime64(6, 'UTC')) DEFAULT now64(6)
) ENGINE = ReplicatedAggregatingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')
PARTITION BY year
ORDER BY (scope_level, scope_id, year, class, id_hash)
SETTINGS index_granularity = 1024;

CREATE TABLE IF NOT EXISTS subject_first_seen ON CLUSTER pi_egress AS subject_first_seen_local ENGINE = Distributed(pi_egress, pi_egress, subject_first_seen_local, cityHash64(id_hash));

CREATE TABLE IF NOT EXISTS subject_recent_local ON CLUSTER pi_egress (
    scope_level  Enum8('processor' = 1, 'certificate' = 2, 'group' = 3),
    scope_id     String,
    year         UInt16,
    class        Enum8('nonSensitive' = 1, 'sensitive' = 2),
    inserted_at  DateTime64(6, 'UTC'),
    id_hash      FixedString(32)
) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')
ORDER BY (scope_level, scope_id, year, class, inserted_at)
TTL toDateTime(inserted_at) + INTERVAL 7 DAY;

CREATE TABLE IF NOT EXISTS subject_recent ON CLUSTER pi_egress AS subject_recent_local ENGINE = Distributed(pi_egress, pi_egress, subject_recent_local, cityHash64(id_hash));

CREATE MATERIALIZED VIEW IF NOT EXISTS subject_recent_mv ON CLUSTER pi_egress TO subject_recent_local AS SELECT scope_level, scope_id, year, class, inserted_at, id_hash FROM subject_first_seen_local;

CREATE TABLE IF NOT EXISTS count_checkpoints_local ON CLUSTER pi_egress (
    scope_level  Enum8('processor' = 1, 'certificate' = 2, 'group' = 3),
    scope_id     String,
    year         UInt16,
    class        Enum8('nonSensitive' = 1, 'sensitive' = 2),
    watermark    DateTime64(6, 'UTC'),
    individuals  UInt64
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}', watermark)
ORDER BY (scope_level, scope_id, year, class);

CREATE TABLE IF NOT EXISTS count_checkpoints ON CLUSTER pi_egress AS count_checkpoints_local ENGINE = Distributed(pi_egress, pi_egress, count_checkpoints_local, cityHash64(scope_level, scope_id, year, class));

CREATE TABLE IF NOT EXISTS daily_new_individuals_local ON CLUSTER pi_egress (
    scope_level  Enum8('processor' = 1, 'certificate' = 2, 'group' = 3),
    scope_id     String,
    year         UInt16,
    class        Enum8('nonSensitive' = 1, 'sensitive' = 2),
    day          Date,
    watermark    DateTime64(6, 'UTC'),
    individuals  UInt64
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}', watermark)
ORDER BY (scope_level, scope_id, year, class, day);

CREATE TABLE IF NOT EXISTS daily_new_individuals ON CLUSTER pi_egress AS daily_new_individuals_local ENGINE = Distributed(pi_egress, pi_egress, daily_new_individuals_local, cityHash64(scope_level, scope_id, year, class, day));

CREATE TABLE IF NOT EXISTS certificates_local ON CLUSTER pi_egress (
    certificate_id String,
    processor_id   String,
    group_id       String,
    body           String,
    updated_at     DateTime64(3, 'UTC')
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}', updated_at)
ORDER BY certificate_id;

CREATE TABLE IF NOT EXISTS certificates ON CLUSTER pi_egress AS certificates_local ENGINE = Distributed(pi_egress, pi_egress, certificates_local, cityHash64(certificate_id));

CREATE TABLE IF NOT EXISTS processors_local ON CLUSTER pi_egress (
    processor_id  String,
    group_id      String,
    count_exempt  Bool,
    cii_operator  Bool,
    updated_at    DateTime64(3, 'UTC')
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}', updated_at)
ORDER BY processor_id;

CREATE TABLE IF NOT EXISTS processors ON CLUSTER pi_egress AS processors_local ENGINE = Distributed(pi_egress, pi_egress, processors_local, cityHash64(processor_id));

CREATE TABLE IF NOT EXISTS scope_activity_local ON CLUSTER pi_egress (
    scope_level       Enum8('processor' = 1, 'certificate' = 2, 'group' = 3),
    scope_id          String,
    year              UInt16,
    last_inserted_at  SimpleAggregateFunction(max, DateTime64(6, 'UTC'))
) ENGINE = ReplicatedAggregatingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')
ORDER BY (scope_level, scope_id, year);

CREATE TABLE IF NOT EXISTS scope_activity ON CLUSTER pi_egress AS scope_activity_local ENGINE = Distributed(pi_egress, pi_egress, scope_activity_local, cityHash64(scope_level, scope_id, year));

CREATE MATERIALIZED VIEW IF NOT EXISTS scope_activity_mv ON CLUSTER pi_egress TO scope_activity_local AS SELECT scope_level, scope_id, year, max(inserted_at) AS last_inserted_at
FROM subject_first_seen_local
GROUP BY scope_level, scope_id, year;

CREATE TABLE IF NOT EXISTS alert_state_local ON CLUSTER pi_egress (
    fingerprint  String,
    alertname    LowCardinality(String),
    severity     LowCardinality(String),
    labels       Map(String, String),
    annotations  Map(String, String),
    starts_at    DateTime64(3, 'UTC'),
    resolved_at  Nullable(DateTime64(3, 'UTC')),
    updated_at   DateTime64(6, 'UTC') DEFAULT now64(6)
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}', updated_at)
ORDER BY fingerprint;

CREATE TABLE IF NOT EXISTS alert_state ON CLUSTER pi_egress AS alert_state_local ENGINE = Distributed(pi_egress, pi_egress, alert_state_local, cityHash64(fingerprint));

CREATE TABLE IF NOT EXISTS alert_history_local ON CLUSTER pi_egress (
    at              DateTime64(3, 'UTC'),
    status          Enum8('firing' = 1, 'resolved' = 2),
    fingerprint     String,
    alertname       LowCardinality(String),
    severity        LowCardinality(String),
    processor_id    LowCardinality(String),
    certificate_id  LowCardinality(String),
    labels          Map(String, String),
    annotations     Map(String, String),
    starts_at       DateTime64(3, 'UTC')
) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')
PARTITION BY toYear(at)
ORDER BY (certificate_id, at);

CREATE TABLE IF NOT EXISTS alert_history ON CLUSTER pi_egress AS alert_history_local ENGINE = Distributed(pi_egress, pi_egress, alert_history_local, cityHash64(certificate_id, at));

CREATE TABLE IF NOT EXISTS audit_log_local ON CLUSTER pi_egress (
    at                 DateTime64(6, 'UTC') DEFAULT now64(6),
    request_id         String,
    role               LowCardinality(String),
    token_fingerprint  String,
    action             LowCardinality(String),
    target_type        LowCardinality(String),
    target_id          String,
    status             UInt16,
    remote_address     String,
    detail             String
) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')
PARTITION BY toYear(at)
ORDER BY (target_type, target_id, at, request_id);

CREATE TABLE IF NOT EXISTS audit_log ON CLUSTER pi_egress AS audit_log_local ENGINE = Distributed(pi_egress, pi_egress, audit_log_local, cityHash64(target_type, target_id, at, request_id));

CREATE TABLE IF NOT EXISTS scope_versions_local ON CLUSTER pi_egress (
    certificate_id  String,
    effective_from  DateTime64(3, 'UTC'),
    processor_id    String,
    body            String,
    declared_at     DateTime64(6, 'UTC') DEFAULT now64(6)
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}', declared_at)
ORDER BY (certificate_id, effective_from);

CREATE TABLE IF NOT EXISTS scope_versions ON CLUSTER pi_egress AS scope_versions_local ENGINE = Distributed(pi_egress, pi_egress, scope_versions_local, cityHash64(certificate_id, effective_from));

ALTER TABLE transfers_local ON CLUSTER pi_egress ADD COLUMN IF NOT EXISTS scope_version String DEFAULT '';

ALTER TABLE transfers ON CLUSTER pi_egress ADD COLUMN IF NOT EXISTS scope_version String DEFAULT '';

ALTER TABLE transfers_local ON CLUSTER pi_egress ADD COLUMN IF NOT EXISTS judged_at DateTime64(3, 'UTC') DEFAULT ingested_at;

ALTER TABLE transfers ON CLUSTER pi_egress ADD COLUMN IF NOT EXISTS judged_at DateTime64(3, 'UTC') DEFAULT ingested_at;

ALTER TABLE transfers_local ON CLUSTER pi_egress ADD COLUMN IF NOT EXISTS pending Bool DEFAULT false;

ALTER TABLE transfers ON CLUSTER pi_egress ADD COLUMN IF NOT EXISTS pending Bool DEFAULT false;

CREATE TABLE IF NOT EXISTS group_epochs_local ON CLUSTER pi_egress (
    group_id    String,
    epoch       UInt32,
    members     Array(String),
    changed_at  DateTime64(6, 'UTC') DEFAULT now64(6)
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}', epoch)
ORDER BY group_id;

CREATE TABLE IF NOT EXISTS group_epochs ON CLUSTER pi_egress AS group_epochs_local ENGINE = Distributed(pi_egress, pi_egress, group_epochs_local, cityHash64(group_id));

CREATE TABLE IF NOT EXISTS incidents_local ON CLUSTER pi_egress (
    incident_id      String,
    year             UInt16,
    alertname        LowCardinality(String),
    fingerprint      String,
    labels           Map(String, String),
    summary          String,
    opened_at        DateTime64(3, 'UTC'),
    status           Enum8('open' = 1, 'acknowledged' = 2),
    acknowledged_at  Nullable(DateTime64(3, 'UTC')),
    acknowledged_by  String,
    token_fingerprint String,
    note             String,
    updated_at       DateTime64(6, 'UTC') DEFAULT now64(6)
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}', updated_at)
ORDER BY incident_id;

CREATE TABLE IF NOT EXISTS incidents ON CLUSTER pi_egress AS incidents_local ENGINE = Distributed(pi_egress, pi_egress, incidents_local, cityHash64(incident_id));

CREATE TABLE IF NOT EXISTS leader_lease_local ON CLUSTER pi_egress (
    name    LowCardinality(String),
    term    UInt64,
    holder  String,
    action  Enum8('claim' = 1, 'renew' = 2, 'release' = 3),
    at      DateTime64(3, 'UTC') DEFAULT now64(3)
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}', at)
ORDER BY (name, term)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS leader_lease ON CLUSTER pi_egress AS leader_lease_local ENGINE = Distributed(pi_egress, pi_egress, leader_lease_local, cityHash64(name, term));

ALTER TABLE transfers_local ON CLUSTER pi_egress ADD COLUMN IF NOT EXISTS domestic Bool DEFAULT false AFTER counted;

ALTER TABLE transfers ON CLUSTER pi_egress ADD COLUMN IF NOT EXISTS domestic Bool DEFAULT false AFTER counted;

ALTER TABLE transfers_local ON CLUSTER pi_egress ADD COLUMN IF NOT EXISTS channel LowCardinality(String) DEFAULT 'transfer' AFTER mechanism;

ALTER TABLE transfers ON CLUSTER pi_egress ADD COLUMN IF NOT EXISTS channel LowCardinality(String) DEFAULT 'transfer' AFTER mechanism;

ALTER TABLE subject_first_seen_local ON CLUSTER pi_egress ADD INDEX IF NOT EXISTS inserted_at_minmax inserted_at TYPE minmax GRANULARITY 1;

ALTER TABLE subject_first_seen_local ON CLUSTER pi_egress MATERIALIZE INDEX inserted_at_minmax;

DROP TABLE IF EXISTS subject_recent_mv ON CLUSTER pi_egress SYNC;

DROP TABLE IF EXISTS subject_recent ON CLUSTER pi_egress SYNC;

DROP TABLE IF EXISTS subject_recent_local ON CLUSTER pi_egress SYNC;

ALTER TABLE transfers_local ON CLUSTER pi_egress ADD INDEX IF NOT EXISTS important_data_minmax important_data TYPE minmax GRANULARITY 1;

ALTER TABLE transfers_local ON CLUSTER pi_egress MATERIALIZE INDEX important_data_minmax;
