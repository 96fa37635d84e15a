-- Debit reviews (velocity rule) name the held debit.
ALTER TABLE approval_view ADD COLUMN transaction_id VARCHAR(64);
