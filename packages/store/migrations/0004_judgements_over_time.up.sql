-- Judgements that hold over a whole year (scope versions, ownership, groups, incidents).

-- Every declared version of a scope (SPEC §4): a version applies to the events that occurred from
-- its effective_from on, until the next one. The certificates table of 0001 still holds scopes
-- declared before this migration; they read as first versions (effective from the start).
CREATE TABLE IF NOT EXISTS scope_versions
(
    certificate_id  String,
    effective_from  DateTime64(3, 'UTC'),
    processor_id    String,
    body            String,
    declared_at     DateTime64(6, 'UTC') DEFAULT now64(6)
)
ENGINE = ReplacingMergeTree(declared_at)
ORDER BY (certificate_id, effective_from);

-- Which version judged a transfer, and when. A re-judgement inserts the transfer's row again with
-- new reasons: ReplacingMergeTree keeps the last inserted (reads use FINAL). `pending`: the
-- certificate it cites was not declared yet; it is judged when it is.
ALTER TABLE transfers ADD COLUMN IF NOT EXISTS scope_version String DEFAULT '';
ALTER TABLE transfers ADD COLUMN IF NOT EXISTS judged_at DateTime64(3, 'UTC') DEFAULT ingested_at;
ALTER TABLE transfers ADD COLUMN IF NOT EXISTS pending Bool DEFAULT false;

-- A group's counting epoch: its people are counted under the scope id of its current epoch, which
-- is rebuilt from its members' own rows whenever the membership changes (see group-counts.ts).
CREATE TABLE IF NOT EXISTS group_epochs
(
    group_id    String,
    epoch       UInt32,
    members     Array(String),
    changed_at  DateTime64(6, 'UTC') DEFAULT now64(6)
)
ENGINE = ReplacingMergeTree(epoch)
ORDER BY group_id;

-- Breaches kept on record until a person acknowledges them (SPEC §6 incidents).
CREATE TABLE IF NOT EXISTS incidents
(
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
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY incident_id;
