-- title: after findings/store.sql: the findings written, and how many of them are new (not replacing one)
SELECT count(*) AS findings,
    count(*) FILTER (WHERE finding_id NOT IN (SELECT finding_id FROM chk_replaced)) AS new_findings
FROM chk_new;
