-- Saves the counts after an evaluation. Returns nothing.
-- $1 rule ids (text[]), $2 breaches (int[]), $3 oks (int[]), $4 states (text[]), $5 values (text[]), $6 evaluated_at
INSERT INTO opsbot.alert_rule_state AS s (rule_id, breaches, oks, last_state, last_value, evaluated_at)
SELECT r, b, o, st, v, $6 FROM unnest($1::text[], $2::int[], $3::int[], $4::text[], $5::text[]) AS u(r, b, o, st, v)
ON CONFLICT (rule_id) DO UPDATE
SET breaches = EXCLUDED.breaches, oks = EXCLUDED.oks, last_state = EXCLUDED.last_state,
    last_value = EXCLUDED.last_value, evaluated_at = EXCLUDED.evaluated_at
