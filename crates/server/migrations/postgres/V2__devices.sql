CREATE TABLE devices (
    device_id    TEXT PRIMARY KEY,
    token_hash   TEXT        NOT NULL UNIQUE,
    enrolled_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    revoked_at   TIMESTAMPTZ,
    scopes       TEXT                    -- JSON array of branch scopes; NULL: every branch
);

CREATE TABLE enrolment_codes (
    code_hash   TEXT PRIMARY KEY,
    kind        TEXT        NOT NULL CHECK (kind IN ('bootstrap', 'enrol')),
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at  TIMESTAMPTZ,
    used_at     TIMESTAMPTZ,
    used_by     TEXT,
    scopes      TEXT
);
