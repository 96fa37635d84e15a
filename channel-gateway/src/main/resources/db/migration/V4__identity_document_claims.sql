-- One identification document belongs to at most one customer; claimed in the registering transaction.
CREATE TABLE identity_document_claim (
    document_type        VARCHAR(32)  NOT NULL,
    issuing_country_code CHAR(2)      NOT NULL,
    document_number      VARCHAR(32)  NOT NULL,
    customer_id          VARCHAR(64)  NOT NULL,
    PRIMARY KEY (document_type, issuing_country_code, document_number)
);
