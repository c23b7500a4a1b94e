-- The server's copy of each synced row (columns merged from accepted ops),
-- so it can authorise a change against the row as it was and the author's
-- grants as they are.
CREATE TABLE entity_rows (
    entity     TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    data       TEXT NOT NULL,   -- JSON object of the row's columns
    PRIMARY KEY (entity, entity_id)
) WITHOUT ROWID;
