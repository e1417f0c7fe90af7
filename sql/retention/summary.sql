-- title: what is past its retention period, per kind (built by sql/retention/past_period.sql)
SELECT * FROM retention_summary
