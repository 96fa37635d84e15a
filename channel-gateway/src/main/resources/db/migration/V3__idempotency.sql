-- First outcome of every mutating RPC, keyed by (principal, method, request_id) (docs/architecture.md, invariant 3).
-- A success is written in the same transaction as the events it caused.
CREATE TABLE idempotency_record (
    principal_id   VARCHAR(128) NOT NULL,
    method         VARCHAR(200) NOT NULL,
    request_id     VARCHAR(128) NOT NULL,
    payload_sha256 BYTEA        NOT NULL,
    succeeded      BOOLEAN      NOT NULL,
    -- serialized response message (succeeded) or google.rpc.Status (refused)
    outcome        BYTEA        NOT NULL,
    -- highest event global index the call produced, for read-your-writes on replay
    event_position BIGINT,
    created_at     TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (principal_id, method, request_id)
);
