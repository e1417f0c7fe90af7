-- title: findings per rule (and model) after a check
SELECT rule_id, count(*) FROM findings GROUP BY 1 ORDER BY 1;
