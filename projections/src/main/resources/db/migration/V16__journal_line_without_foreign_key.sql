-- The general ledger writes an entry's lines in the transaction that inserts the entry, and only for the
-- entries that insert returned, so a line without its entry is never written. The foreign key checked it
-- again with one look-up of journal_entry per line written: the largest part of the database's work while
-- the ledger is rebuilt (docs/performance.md, "Rebuilding the general ledger"). LedgerInvariantsTest checks
-- that every entry balances and every line has its entry.
ALTER TABLE journal_line DROP CONSTRAINT journal_line_entry_position_fkey;
