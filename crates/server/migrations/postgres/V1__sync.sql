-- The sync server's store on PostgreSQL. Same meaning as the SQLite
-- backend's schema (migrations/sqlite); types are PostgreSQL's own.

CREATE TABLE applied_ops (
    device_id    TEXT        NOT NULL,
    seq          BIGINT      NOT NULL,
    op_id        TEXT        NOT NULL,
    status       TEXT        NOT NULL CHECK (status IN ('accepted', 'rejected')),
    reason       TEXT,
    received_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (device_id, seq)
);

-- Partitioning key for a chain past one PostgreSQL: scope (branch).
CREATE TABLE change_log (
    scope      TEXT   NOT NULL,
    scope_seq  BIGINT NOT NULL,
    device_id  TEXT   NOT NULL,
    op         JSONB  NOT NULL,
    PRIMARY KEY (scope, scope_seq)
);

-- Locked by the pushing transaction, so scope_seq is gap-free in commit order.
CREATE TABLE scope_counters (
    scope     TEXT PRIMARY KEY,
    last_seq  BIGINT NOT NULL
);
