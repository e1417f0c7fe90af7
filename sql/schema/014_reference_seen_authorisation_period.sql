-- migration: 14
-- title: a remembered provider authorisation touches all of its client's events
-- sql/checks/_reference_changes.sql (rows_now) gives a provider authorisation row the period of all time, as a
-- client row has: a row's start, end or cancellation words the findings before and after it too (one registered
-- later turns an earlier 'never_authorised' into 'before_start'). The rows remembered before this had the period
-- from the row's start on; they get the new one, so the first check after the upgrade does not see every
-- authorisation as changed, and a row removed later touches all of its client's events too.
UPDATE reference_seen SET valid_from = DATE '0001-01-01', valid_to = DATE '9999-12-31'
WHERE table_name = 'provider_authorisations';
