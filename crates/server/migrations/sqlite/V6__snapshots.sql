-- Snapshots for a desk's first sync. The server's copy of each row is
-- merged by the same rules as on the desks (per column, the newest clock
-- wins), with each column's clock kept beside it; `scope_rows` lists the
-- rows each scope's log touched. A scope's snapshot is then one read of
-- the rows it lists, consistent with the scope's head and chain.
-- `clocks` is filled for existing rows when the store opens.
ALTER TABLE entity_rows ADD COLUMN clocks TEXT;

CREATE TABLE scope_rows (
    scope      TEXT NOT NULL,
    entity     TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    PRIMARY KEY (scope, entity, entity_id)
) WITHOUT ROWID;

-- The newest clock among a scope's changes: a desk installing a snapshot
-- never stamps its own later edits below it.
ALTER TABLE scope_counters ADD COLUMN max_hlc TEXT NOT NULL DEFAULT '';
