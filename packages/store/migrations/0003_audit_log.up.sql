-- Audit log of admin and auditor actions (who, when, what); part of the evidence pack.
-- `at` is the server's clock, like subject_first_seen.inserted_at, so an evidence pack's as-of
-- time selects both the same way. Never holds a request body or a subject id.
CREATE TABLE IF NOT EXISTS audit_log
(
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
)
ENGINE = MergeTree
PARTITION BY toYear(at)
ORDER BY (target_type, target_id, at, request_id);
