-- One row per usage record; the same DDL runs on PostgreSQL and H2.
-- time_nanos: epoch nanoseconds, exact (a record's time has nanosecond precision and range queries are
--   half-open on it; TIMESTAMPTZ keeps microseconds only).
-- cost_nanos: exact nano-dollars, never a floating-point column.
-- request_id: UNIQUE, so writing a record twice stores it once; NULL for a record without one.
-- seq: append order, the tie-breaker of records with the same time and half of the paging cursor.
CREATE TABLE usage_record (
    seq            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    request_id     VARCHAR(256),
    time_nanos     BIGINT       NOT NULL,
    account_id     VARCHAR      NOT NULL,
    creator        VARCHAR      NOT NULL,
    plan_id        VARCHAR      NOT NULL,
    operation      VARCHAR      NOT NULL,
    requested_tier VARCHAR(16),
    tier           VARCHAR(16)  NOT NULL,
    model          VARCHAR      NOT NULL,
    deployment     VARCHAR      NOT NULL,
    region         VARCHAR      NOT NULL,
    input_tokens   BIGINT       NOT NULL,
    output_tokens  BIGINT       NOT NULL,
    cost_nanos     BIGINT       NOT NULL,
    latency_nanos  BIGINT       NOT NULL,
    ttft_nanos     BIGINT,
    outcome        VARCHAR(32)  NOT NULL,
    path           VARCHAR      NOT NULL,
    CONSTRAINT usage_record_request_id UNIQUE (request_id)
);

CREATE INDEX usage_record_account_time ON usage_record (account_id, time_nanos, seq);
