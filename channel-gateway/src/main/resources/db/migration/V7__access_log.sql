-- Access log: reads of personal data and every refused or unauthenticated call (who, what, when,
-- origin, result). Append-only: the database itself refuses updates and deletes.
CREATE TABLE access_log (
    entry_id       BIGSERIAL    NOT NULL PRIMARY KEY,
    occurred_at    TIMESTAMPTZ  NOT NULL,
    principal_id   VARCHAR(128),
    role           VARCHAR(32),
    channel        VARCHAR(32),
    branch_id      VARCHAR(128),
    method         VARCHAR(200) NOT NULL,
    status_code    VARCHAR(32)  NOT NULL,
    reason         VARCHAR(64),
    origin         VARCHAR(200),
    correlation_id VARCHAR(128)
);
CREATE INDEX access_log_principal ON access_log (principal_id, entry_id);

CREATE FUNCTION access_log_is_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'access_log is append-only';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER access_log_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON access_log
    FOR EACH STATEMENT EXECUTE FUNCTION access_log_is_append_only();
