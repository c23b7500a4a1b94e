-- Desks allowed to sync, and the one-time codes that enrol them.

CREATE TABLE devices (
    device_id    TEXT PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,   -- BLAKE2 of the bearer token; the token itself is never stored
    enrolled_at  TEXT NOT NULL,
    revoked_at   TEXT,
    scopes       TEXT                    -- JSON array of branch scopes; NULL: every branch
);

CREATE TABLE enrolment_codes (
    code_hash   TEXT PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('bootstrap', 'enrol')),
    created_at  TEXT NOT NULL,
    expires_at  TEXT,                    -- NULL: the bootstrap code, valid until used
    used_at     TEXT,
    used_by     TEXT,
    scopes      TEXT                     -- what the enrolled desk may sync; NULL: every branch
);
