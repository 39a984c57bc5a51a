ALTER TABLE transfers DROP INDEX IF EXISTS important_data_minmax;
