-- psql script run after the data, before commit: the same text settings as
-- sql/backup/db/stat-settings.sql, so the checksums below are comparable with the manifest.
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, MDY';
SET IntervalStyle = 'postgres';
SET extra_float_digits = 1;
SET bytea_output = 'hex';
SET lc_monetary = 'C';
