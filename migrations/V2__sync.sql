-- Sync bookkeeping on the desk (all local, never replicated).

-- Which server this desk syncs with, and how the last round went.
CREATE TABLE sync_state (
    singleton       INTEGER PRIMARY KEY CHECK (singleton = 1),
    server_url      TEXT,
    -- Bearer token the server issued when this desk enrolled (a secret;
    -- never in the audit log or the outbox).
    device_token    TEXT,
    -- The branch scopes the server lets this desk sync (JSON array); NULL:
    -- every branch it holds.
    scopes          TEXT,
    linked_at       TEXT,
    last_synced_at  TEXT,
    last_error      TEXT,
    -- The highest of this desk's own ops the server has sent back in a pull.
    -- Own ops above it are still "pending": their clocks count in merges.
    echoed_seq      INTEGER NOT NULL DEFAULT 0,
    -- Every op up to this seq is stored by the server (acks are contiguous),
    -- so pending ops are a range of the outbox's key, never a scan.
    acked_seq       INTEGER NOT NULL DEFAULT 0,
    -- The newest clock stamp received from another desk: this desk's next
    -- stamp is later than it, so a desk whose wall clock runs behind still
    -- orders its edits after what it has seen (hybrid logical clock).
    seen_hlc        TEXT    NOT NULL DEFAULT ''
);
INSERT INTO sync_state (singleton) VALUES (1);

-- Per scope, the last change applied from the server.
CREATE TABLE sync_cursors (
    scope      TEXT PRIMARY KEY,
    scope_seq  INTEGER NOT NULL
) WITHOUT ROWID;

-- The clock of each column's value as last set by a synced op (own or
-- remote), one row per synced row: per-column last-writer-wins compares
-- against it.
CREATE TABLE row_clocks (
    entity     TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    clocks     TEXT NOT NULL,   -- JSON object: column -> HLC stamp
    PRIMARY KEY (entity, entity_id)
) WITHOUT ROWID;

-- Every value that lost a merge, kept for review: nothing a person entered
-- disappears without trace.
CREATE TABLE conflicts (
    id             TEXT PRIMARY KEY,
    entity         TEXT NOT NULL,
    entity_id      TEXT NOT NULL,
    col            TEXT NOT NULL,
    losing_value   TEXT,            -- JSON
    losing_hlc     TEXT NOT NULL,
    winning_value  TEXT,            -- JSON
    winning_hlc    TEXT NOT NULL,
    detected_at    TEXT NOT NULL,
    resolved_at    TEXT
);

-- Why the server refused an op (its author lacked the right by then, say).
-- Refused ops stay in the outbox, acknowledged, and are listed for review.
ALTER TABLE outbox ADD COLUMN refused_reason TEXT;
-- Partial: ordinary ops never enter it, so the write path pays nothing.
CREATE INDEX outbox_refused ON outbox (seq) WHERE refused_reason IS NOT NULL;
CREATE INDEX conflicts_open ON conflicts (detected_at) WHERE resolved_at IS NULL;
