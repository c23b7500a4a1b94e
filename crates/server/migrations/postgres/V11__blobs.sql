-- Files attached to records, once per SHA-256: desks upload them before
-- the attachment rows that name them, and fetch them when opened.
CREATE TABLE blobs (
    sha256     TEXT PRIMARY KEY,
    bytes      BYTEA       NOT NULL,
    size       BIGINT      NOT NULL,
    stored_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
