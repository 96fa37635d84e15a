-- Read model: transfers and how they ended (projections module), rebuilt from the transfer events.
CREATE TABLE transfer_view (
    transfer_id        VARCHAR(64)    NOT NULL PRIMARY KEY,
    source_account_id  VARCHAR(64)    NOT NULL,
    target_account_id  VARCHAR(64)    NOT NULL,
    amount             NUMERIC(38, 4) NOT NULL,
    currency_code      CHAR(3)        NOT NULL,
    reference          VARCHAR(600)   NOT NULL,
    status             VARCHAR(16)    NOT NULL,
    failure_reason     VARCHAR(64),
    failure_message    VARCHAR(600),
    -- global index of the request event: the order transfers were asked for (keyset pagination)
    requested_position BIGINT         NOT NULL,
    -- global index of the last event applied: what a reader waits for to see everything it caused
    last_position      BIGINT         NOT NULL,
    request_time       TIMESTAMPTZ    NOT NULL,
    update_time        TIMESTAMPTZ    NOT NULL
);
CREATE INDEX transfer_view_source ON transfer_view (source_account_id, requested_position);
CREATE INDEX transfer_view_target ON transfer_view (target_account_id, requested_position);
