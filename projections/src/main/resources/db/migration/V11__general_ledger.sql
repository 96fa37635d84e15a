-- General ledger (projections module): a journal entry per monetary event, debits equal to credits per
-- currency in every entry. Rebuilt from the events like every read model.
CREATE TABLE ledger_deposit_account (
    -- the customer accounts the ledger knows, for their control account (product and currency)
    account_id    VARCHAR(64) NOT NULL PRIMARY KEY,
    product       VARCHAR(16) NOT NULL,
    currency_code CHAR(3)     NOT NULL
);

CREATE TABLE journal_entry (
    -- the global index of the event the entry records: one entry per event, in event order
    entry_position BIGINT       NOT NULL PRIMARY KEY,
    event_id       VARCHAR(64)  NOT NULL,
    event_type     VARCHAR(64)  NOT NULL,
    -- the customer account, till or transfer the entry is about
    subject_id     VARCHAR(64)  NOT NULL,
    description    VARCHAR(200) NOT NULL,
    business_date  DATE,
    create_time    TIMESTAMPTZ  NOT NULL
);
CREATE INDEX journal_entry_subject ON journal_entry (subject_id, entry_position);
CREATE INDEX journal_entry_time ON journal_entry (create_time);

CREATE TABLE journal_line (
    entry_position BIGINT         NOT NULL REFERENCES journal_entry (entry_position) ON DELETE CASCADE,
    line_number    INT            NOT NULL,
    ledger_account VARCHAR(64)    NOT NULL,
    direction      VARCHAR(6)     NOT NULL CHECK (direction IN ('DEBIT', 'CREDIT')),
    amount         NUMERIC(38, 4) NOT NULL CHECK (amount > 0),
    currency_code  CHAR(3)        NOT NULL,
    PRIMARY KEY (entry_position, line_number)
);
CREATE INDEX journal_line_account ON journal_line (ledger_account, currency_code, entry_position);
