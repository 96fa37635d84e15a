-- Loans as their events left them (loan-view), with their instalments; the portfolio summary and the
-- credit history the scorecard reads are queries over these tables.
CREATE TABLE loan_view (
    loan_id               VARCHAR(64)    NOT NULL PRIMARY KEY,
    customer_id           VARCHAR(64)    NOT NULL,
    account_id            VARCHAR(64)    NOT NULL,
    product_code          VARCHAR(32)    NOT NULL,
    product_version       INT            NOT NULL,
    status                VARCHAR(16)    NOT NULL,
    currency_code         CHAR(3)        NOT NULL,
    principal             NUMERIC(38, 4) NOT NULL,
    fee                   NUMERIC(38, 4) NOT NULL,
    instalments           INT            NOT NULL,
    monthly_instalment    NUMERIC(38, 4) NOT NULL,
    decision_outcome      VARCHAR(16)    NOT NULL,
    decision_score        INT            NOT NULL,
    decision_reasons      TEXT           NOT NULL,
    scorecard_version     VARCHAR(32)    NOT NULL,
    referral_reasons      TEXT           NOT NULL,
    approval_id           VARCHAR(64),
    application_date      DATE           NOT NULL,
    disbursement_date     DATE,
    principal_outstanding NUMERIC(38, 4) NOT NULL DEFAULT 0,
    interest_accrued      NUMERIC(38, 4) NOT NULL DEFAULT 0,
    penalties_outstanding NUMERIC(38, 4) NOT NULL DEFAULT 0,
    fees_outstanding      NUMERIC(38, 4) NOT NULL DEFAULT 0,
    days_past_due         INT            NOT NULL DEFAULT 0,
    worst_days_past_due   INT            NOT NULL DEFAULT 0,
    delinquency_bucket    VARCHAR(16)    NOT NULL DEFAULT 'CURRENT',
    closed_through        DATE,
    written_off           NUMERIC(38, 4) NOT NULL DEFAULT 0,
    recovered             NUMERIC(38, 4) NOT NULL DEFAULT 0,
    -- aggregate sequence number of the last event applied: a redelivered event changes nothing
    last_sequence         BIGINT         NOT NULL,
    create_time           TIMESTAMPTZ    NOT NULL,
    update_time           TIMESTAMPTZ    NOT NULL
);

CREATE INDEX loan_view_by_customer ON loan_view (customer_id, create_time DESC, loan_id);
-- close of business: the active loans not yet closed for a date
CREATE INDEX loan_view_active ON loan_view (closed_through, loan_id) WHERE status = 'ACTIVE';

CREATE TABLE loan_instalment_view (
    loan_id        VARCHAR(64)    NOT NULL REFERENCES loan_view (loan_id) ON DELETE CASCADE,
    number         INT            NOT NULL,
    due_date       DATE           NOT NULL,
    principal      NUMERIC(38, 4) NOT NULL,
    interest       NUMERIC(38, 4) NOT NULL,
    paid_principal NUMERIC(38, 4) NOT NULL DEFAULT 0,
    paid_interest  NUMERIC(38, 4) NOT NULL DEFAULT 0,
    PRIMARY KEY (loan_id, number)
);
