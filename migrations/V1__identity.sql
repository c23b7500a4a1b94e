-- Branchdesk desk schema, version 1: the desk itself, identity and access,
-- organisation, rooms and settings.
--
-- Tables fall in two kinds (see crates/desk/src/db/guard.rs, which lists them):
--   local  – this desk only, never replicated;
--   synced – replicated through the outbox. They are written only by the
--            desk's write path (and later the sync applier): guard triggers
--            refuse any other writer.
-- Ids are UUID text generated on the desk. Times are RFC 3339 UTC text,
-- dates YYYY-MM-DD. Flags are 0/1. Money, when it comes, is integer minor units.

-- ---------------------------------------------------------------- local
CREATE TABLE device (
    singleton    INTEGER PRIMARY KEY CHECK (singleton = 1),
    device_id    TEXT    NOT NULL,
    created_at   TEXT    NOT NULL
);

-- The newest op also carries the desk's clock: the next op's seq is its
-- seq + 1 and its HLC stamp the next stamp after it. Whatever prunes acked
-- ops must therefore keep the newest one.
CREATE TABLE outbox (
    seq             INTEGER PRIMARY KEY,        -- per device, gap-free
    op_id           TEXT    NOT NULL,           -- UUIDv7
    device_id       TEXT    NOT NULL,
    author_user_id  TEXT,
    scope           TEXT    NOT NULL,           -- 'org' or 'branch:<uuid>'
    entity          TEXT    NOT NULL,           -- table name
    entity_id       TEXT    NOT NULL,
    kind            TEXT    NOT NULL CHECK (kind IN ('insert', 'update', 'delete')),
    columns         TEXT    NOT NULL,           -- JSON object of the changed columns
    hlc             TEXT    NOT NULL,
    schema_version  INTEGER NOT NULL,
    created_at      TEXT    NOT NULL,
    acked_at        TEXT
);

-- Clustered by time (one b-tree, no rowid): appends are cheap and the
-- newest entries are read without a sort.
CREATE TABLE audit_log (
    at          TEXT NOT NULL,
    id          TEXT NOT NULL,
    user_id     TEXT,
    device_id   TEXT NOT NULL,
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    old_values  TEXT,                          -- JSON, secrets redacted
    new_values  TEXT,                          -- JSON, secrets redacted
    PRIMARY KEY (at, id)
) WITHOUT ROWID;

-- --------------------------------------------------------------- synced
CREATE TABLE organisations (
    id              TEXT PRIMARY KEY,
    name            TEXT    NOT NULL,
    currency        TEXT    NOT NULL,
    fy_start_month  INTEGER NOT NULL CHECK (fy_start_month BETWEEN 1 AND 12),
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL
);

CREATE TABLE branches (
    id          TEXT PRIMARY KEY,
    org_id      TEXT    NOT NULL REFERENCES organisations (id),
    code        TEXT    NOT NULL UNIQUE,
    name        TEXT    NOT NULL,
    address     TEXT    NOT NULL DEFAULT '',
    phone       TEXT    NOT NULL DEFAULT '',
    active      INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);

CREATE TABLE users (
    id                    TEXT PRIMARY KEY,
    org_id                TEXT    NOT NULL REFERENCES organisations (id),
    full_name             TEXT    NOT NULL,
    email                 TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    phone                 TEXT,
    password_hash         TEXT    NOT NULL,    -- argon2id PHC string
    active                INTEGER NOT NULL DEFAULT 1,
    must_change_password  INTEGER NOT NULL DEFAULT 0,
    created_at            TEXT    NOT NULL,
    updated_at            TEXT    NOT NULL
);

CREATE TABLE roles (
    id           TEXT PRIMARY KEY,
    org_id       TEXT    NOT NULL REFERENCES organisations (id),
    name         TEXT    NOT NULL COLLATE NOCASE,
    description  TEXT    NOT NULL DEFAULT '',
    is_system    INTEGER NOT NULL DEFAULT 0,
    permissions  TEXT    NOT NULL,             -- JSON array of 'action:subject'
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL,
    deleted_at   TEXT
);
CREATE UNIQUE INDEX roles_live_name ON roles (name) WHERE deleted_at IS NULL;

CREATE TABLE role_grants (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users (id),
    role_id     TEXT NOT NULL REFERENCES roles (id),
    branch_id   TEXT REFERENCES branches (id),  -- NULL: every branch
    expires_on  TEXT,                            -- last day in force
    granted_by  TEXT REFERENCES users (id),
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
);
CREATE INDEX role_grants_user ON role_grants (user_id);

CREATE TABLE rooms (
    id          TEXT PRIMARY KEY,
    branch_id   TEXT    NOT NULL REFERENCES branches (id),
    name        TEXT    NOT NULL COLLATE NOCASE,
    capacity    INTEGER NOT NULL CHECK (capacity > 0),
    active      INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    UNIQUE (branch_id, name)
);

CREATE TABLE settings (
    id          TEXT PRIMARY KEY,               -- UUIDv5 of (key, branch)
    key         TEXT NOT NULL,
    branch_id   TEXT REFERENCES branches (id),  -- NULL: organisation-wide
    value       TEXT NOT NULL,                  -- JSON of the typed value
    updated_at  TEXT NOT NULL
);

-- ---------------------------------------------------------------- local
CREATE TABLE sessions (
    token_hash    TEXT PRIMARY KEY,            -- BLAKE2 of the token; the token never rests on disk
    user_id       TEXT NOT NULL REFERENCES users (id),
    created_at    TEXT NOT NULL,
    last_seen_at  TEXT NOT NULL,
    expires_at    TEXT NOT NULL,               -- absolute expiry
    ended_at      TEXT
);

CREATE TABLE login_state (
    user_id        TEXT PRIMARY KEY REFERENCES users (id),
    failures       INTEGER NOT NULL DEFAULT 0,
    locked_until   TEXT,
    last_login_at  TEXT
);

CREATE TABLE reset_codes (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users (id),
    code_hash   TEXT NOT NULL,
    issued_by   TEXT NOT NULL REFERENCES users (id),
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT
);
