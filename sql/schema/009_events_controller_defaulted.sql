-- migration: 9
-- title: events remember whether the source named the controller or the store's home controller was assumed
-- asiakastietolaki 703/2023 10 § 2 mom: the use log names the service provider whose data was used. A source
-- that leaves it out is filled with the configured home controller so that the rules can judge the event,
-- but the log itself lacked it: log_missing_fields reports such events instead of filling them silently.
ALTER TABLE events ADD COLUMN IF NOT EXISTS controller_defaulted BOOLEAN DEFAULT false;
