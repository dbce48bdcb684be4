-- Consecutive breach / healthy counts of every rule. Returns: rule_id, breaches, oks.
SELECT rule_id, breaches, oks FROM opsbot.alert_rule_state
