-- Close of business: one run per business date, with its progress kept per segment of loans so that
-- parallel workers never contend on one row. A run that stopped (error, shutdown, crash) resumes: loans
-- already closed for the date are skipped by the loan itself.
CREATE TABLE cob_run (
    business_date   DATE        NOT NULL PRIMARY KEY,
    state           VARCHAR(16) NOT NULL,
    loans_total     BIGINT      NOT NULL DEFAULT 0,
    transfers_total BIGINT      NOT NULL DEFAULT 0,
    transfers_done  BIGINT      NOT NULL DEFAULT 0,
    start_time      TIMESTAMPTZ NOT NULL,
    end_time        TIMESTAMPTZ,
    error           TEXT
);

CREATE TABLE cob_segment (
    business_date DATE   NOT NULL REFERENCES cob_run (business_date),
    segment       INT    NOT NULL,
    loans_done    BIGINT NOT NULL DEFAULT 0,
    collections   BIGINT NOT NULL DEFAULT 0,
    shortfalls    BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (business_date, segment)
);
