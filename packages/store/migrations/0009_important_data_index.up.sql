-- Whether a processor sent important data this year is asked by every GET /usage (the pathway). The
-- transfers are ordered by event_id, so that question read the year's transfers of every processor
-- (a LIMIT 1 that finds nothing reads them all, a cost that grows with the year). A minmax index on
-- the flag skips every granule without it.
ALTER TABLE transfers ADD INDEX IF NOT EXISTS important_data_minmax important_data TYPE minmax GRANULARITY 1;
ALTER TABLE transfers MATERIALIZE INDEX important_data_minmax;
