-- Clearing adjustments name their clearing reference; a request may have a second deciding desk
-- (a loan write-off: the maker's branch or the loan desk).
ALTER TABLE approval_view ADD COLUMN counterparty_reference VARCHAR(140);
ALTER TABLE approval_view ADD COLUMN checker_desk_id VARCHAR(128);
CREATE INDEX approval_view_checker_desk ON approval_view (checker_desk_id, requested_position)
    WHERE checker_desk_id IS NOT NULL;
