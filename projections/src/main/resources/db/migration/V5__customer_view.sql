-- Read model: customers (projections module). Rebuilt from the customer events at any time.
CREATE TABLE customer_view (
    customer_id                VARCHAR(64)  NOT NULL PRIMARY KEY,
    full_name                  VARCHAR(800) NOT NULL,
    date_of_birth              DATE         NOT NULL,
    document_type              VARCHAR(32)  NOT NULL,
    document_issuing_country   CHAR(2)      NOT NULL,
    document_number            VARCHAR(32)  NOT NULL,
    email                      VARCHAR(254) NOT NULL,
    phone_number               VARCHAR(16)  NOT NULL,
    residential_country_code   CHAR(2)      NOT NULL,
    registration_business_date DATE         NOT NULL,
    create_time                TIMESTAMPTZ  NOT NULL,
    update_time                TIMESTAMPTZ  NOT NULL
);
