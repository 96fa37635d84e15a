-- Read models: accounts, their holds, and their postings (projections module).
-- Every column is a pure function of the account events, so a rebuild restores rows exactly.
CREATE TABLE account_view (
    account_id            VARCHAR(64)    NOT NULL PRIMARY KEY,
    customer_id           VARCHAR(64)    NOT NULL,
    product               VARCHAR(16)    NOT NULL,
    currency_code         CHAR(3)        NOT NULL,
    balance               NUMERIC(38, 4) NOT NULL,
    overdraft_limit       NUMERIC(38, 4) NOT NULL,
    freeze_scope          VARCHAR(16),
    freeze_reason         VARCHAR(600),
    status                VARCHAR(16)    NOT NULL,
    opening_business_date DATE           NOT NULL,
    -- global index of the opening event in the event store: the order accounts were opened in
    opened_position       BIGINT         NOT NULL,
    -- aggregate sequence number of the last event applied: redelivered events are skipped
    last_sequence         BIGINT         NOT NULL,
    create_time           TIMESTAMPTZ    NOT NULL,
    update_time           TIMESTAMPTZ    NOT NULL
);
CREATE INDEX account_view_customer ON account_view (customer_id, opened_position);

CREATE TABLE account_hold (
    account_id  VARCHAR(64)    NOT NULL,
    hold_id     VARCHAR(64)    NOT NULL,
    amount      NUMERIC(38, 4) NOT NULL,
    reason      VARCHAR(600)   NOT NULL,
    expire_time TIMESTAMPTZ,
    -- aggregate sequence number of the placing event: holds are listed in the order placed
    placed_sequence BIGINT     NOT NULL,
    PRIMARY KEY (account_id, hold_id)
);

CREATE TABLE account_transaction (
    account_id             VARCHAR(64)    NOT NULL,
    -- aggregate sequence number of the posting event: unique per account, orders the statement
    posting_sequence       BIGINT         NOT NULL,
    transaction_id         VARCHAR(64)    NOT NULL,
    direction              VARCHAR(8)     NOT NULL,
    amount                 NUMERIC(38, 4) NOT NULL,
    balance_after          NUMERIC(38, 4) NOT NULL,
    currency_code          CHAR(3)        NOT NULL,
    counterparty_type      VARCHAR(32)    NOT NULL,
    counterparty_reference VARCHAR(600)   NOT NULL,
    request_id             VARCHAR(128),
    channel                VARCHAR(32),
    business_date          DATE,
    create_time            TIMESTAMPTZ    NOT NULL,
    PRIMARY KEY (account_id, posting_sequence)
);
