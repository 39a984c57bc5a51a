-- Overseas access to PI stored in China counts as providing it abroad (SPEC §2): each transfer
-- records its channel. Existing rows were all sent (`transfer`).
ALTER TABLE transfers ADD COLUMN IF NOT EXISTS channel LowCardinality(String) DEFAULT 'transfer' AFTER mechanism;
