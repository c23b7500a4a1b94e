-- Snapshots for a desk's first sync (see the SQLite store's V6): rows
-- merged per column by clock, the clocks kept, the rows of each scope
-- listed. `clocks` is filled for existing rows when the store connects.
ALTER TABLE entity_rows ADD COLUMN clocks JSONB;

CREATE TABLE scope_rows (
    scope      TEXT NOT NULL,
    entity     TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    PRIMARY KEY (scope, entity, entity_id)
);

ALTER TABLE scope_counters ADD COLUMN max_hlc TEXT NOT NULL DEFAULT '';
