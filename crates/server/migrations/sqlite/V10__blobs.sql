-- Files attached to records, once per SHA-256: desks upload them before
-- the attachment rows that name them, and fetch them when opened.
CREATE TABLE blobs (
    sha256     TEXT PRIMARY KEY,
    bytes      BLOB    NOT NULL,
    size       INTEGER NOT NULL,
    stored_at  TEXT    NOT NULL
) WITHOUT ROWID;
