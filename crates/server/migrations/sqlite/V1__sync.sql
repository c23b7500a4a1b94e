-- The sync server's own store (embedded SQLite backend).

-- Every op a device pushed, by (device, seq): a replay is a no-op.
CREATE TABLE applied_ops (
    device_id    TEXT    NOT NULL,
    seq          INTEGER NOT NULL,
    op_id        TEXT    NOT NULL,
    status       TEXT    NOT NULL CHECK (status IN ('accepted', 'rejected')),
    reason       TEXT,
    received_at  TEXT    NOT NULL,
    PRIMARY KEY (device_id, seq)
) WITHOUT ROWID;

-- Accepted changes per scope, gap-free in commit order.
CREATE TABLE change_log (
    scope      TEXT    NOT NULL,
    scope_seq  INTEGER NOT NULL,
    device_id  TEXT    NOT NULL,
    op         TEXT    NOT NULL,   -- the op as JSON
    PRIMARY KEY (scope, scope_seq)
) WITHOUT ROWID;

-- The last scope_seq handed out, per scope. Updated in the same
-- transaction as the change_log insert, so readers never see a gap.
CREATE TABLE scope_counters (
    scope     TEXT PRIMARY KEY,
    last_seq  INTEGER NOT NULL
) WITHOUT ROWID;
