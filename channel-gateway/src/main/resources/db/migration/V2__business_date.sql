-- The bank's business date: one row, set from the clock on first start, moved only by close of business.
CREATE TABLE business_date (
    id            SMALLINT    NOT NULL PRIMARY KEY CHECK (id = 1),
    business_date DATE        NOT NULL,
    changed_at    TIMESTAMPTZ NOT NULL
);
