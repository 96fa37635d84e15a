-- Read model: maker-checker approvals (projections module), rebuilt from the approval events.
CREATE TABLE approval_view (
    approval_id     VARCHAR(64)    NOT NULL PRIMARY KEY,
    kind            VARCHAR(32)    NOT NULL,
    status          VARCHAR(16)    NOT NULL,
    branch_id       VARCHAR(128)   NOT NULL,
    account_id      VARCHAR(64)    NOT NULL,
    till_id         VARCHAR(64),
    amount          NUMERIC(38, 4),
    currency_code   CHAR(3),
    reason          VARCHAR(600),
    maker_id        VARCHAR(128)   NOT NULL,
    checker_id      VARCHAR(128),
    decision_reason VARCHAR(600),
    -- global index of the request event: the order requests were made in (keyset pagination)
    requested_position BIGINT      NOT NULL,
    last_sequence   BIGINT         NOT NULL,
    request_time    TIMESTAMPTZ    NOT NULL,
    expire_time     TIMESTAMPTZ    NOT NULL,
    decision_time   TIMESTAMPTZ
);
CREATE INDEX approval_view_branch ON approval_view (branch_id, requested_position);
