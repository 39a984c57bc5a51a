-- Leases naming the one replica that does a job (e.g. the evaluator's alert state, delivery and
-- count checkpoints): see src/leader-lease.ts. One row per (name, term) after merges; a term is
-- claimed by an insert whose deduplication token is the term, so of concurrent claims exactly one
-- is stored. The holder renews by inserting newer rows of its term.
CREATE TABLE IF NOT EXISTS leader_lease
(
    name    LowCardinality(String),
    term    UInt64,
    holder  String,
    action  Enum8('claim' = 1, 'renew' = 2, 'release' = 3),
    at      DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(at)
ORDER BY (name, term)
SETTINGS non_replicated_deduplication_window = 1000;
