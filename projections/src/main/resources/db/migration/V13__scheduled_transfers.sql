-- Transfers dated for a later business date (projections module): the date a SCHEDULED transfer waits
-- for (kept once it starts; NULL for one carried out when requested), and close of business's lookup of
-- the SCHEDULED transfers due on or before a date.
ALTER TABLE transfer_view ADD COLUMN execution_date DATE;
CREATE INDEX transfer_view_scheduled_due ON transfer_view (execution_date, requested_position)
    WHERE status = 'SCHEDULED';
