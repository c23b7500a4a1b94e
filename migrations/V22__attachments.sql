-- Files attached to records through one mechanism (docs/domains.md,
-- "Attachments"): a synced row per attached file in its owner's branch,
-- and the file itself kept once per content hash. Desks pull the row; the
-- file goes to the server before the row is pushed and is fetched from it
-- when someone opens it.
CREATE TABLE attachments (
    id           TEXT PRIMARY KEY,
    branch_id    TEXT    NOT NULL REFERENCES branches (id),
    -- The record the file belongs to: its table and id.
    owner_table  TEXT    NOT NULL CHECK (owner_table IN ('submissions', 'expenses')),
    owner_id     TEXT    NOT NULL,
    file_name    TEXT    NOT NULL,
    -- Told by the file's content when it was attached.
    media_type   TEXT    NOT NULL,
    size_bytes   INTEGER NOT NULL CHECK (size_bytes BETWEEN 1 AND 10485760),
    -- SHA-256 of the file, 64 hex digits.
    sha256       TEXT    NOT NULL,
    added_by     TEXT    REFERENCES users (id),
    removed_at   TEXT,
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL
);
CREATE INDEX attachments_owner ON attachments (owner_id);

-- The files this desk holds (local): attached here, or fetched when
-- opened. `uploaded` = 1 once the server holds the file too.
CREATE TABLE attachment_blobs (
    sha256    TEXT PRIMARY KEY,
    bytes     BLOB    NOT NULL,
    uploaded  INTEGER NOT NULL DEFAULT 0,
    added_at  TEXT    NOT NULL
) WITHOUT ROWID;
