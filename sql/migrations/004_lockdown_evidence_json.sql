-- Evidence is stored exactly as captured and only ever read back whole: json (validated text)
-- instead of jsonb, which is several times cheaper to write for 100,000 sessions.
ALTER TABLE opsbot.lockdown_evidence ALTER COLUMN rows TYPE json USING rows::json;
