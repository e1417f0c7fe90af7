-- migration: 5
-- title: explanations keep the basis only

-- The per-event JSON detail (staff, organisation, unit, role, recipient) repeated what the events and the
-- reference tables already hold, nothing read it, and building it was a third of the cost of storing the
-- explanations of a 10 M-event check. The basis (and the event's key) is what an answer or a report needs;
-- the rest is joined when shown.
ALTER TABLE explanations DROP COLUMN detail;
