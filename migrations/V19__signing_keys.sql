-- Every person signs the changes they make (docs/trust.md).
-- users.public_key: their Ed25519 public key, 64 hex digits; NULL until
-- they first sign in on a desk of this version.
-- users.sealed_key: the private key sealed with a key derived from their
-- password (one argon2id run gives the password check and the sealing key).
ALTER TABLE users ADD COLUMN public_key TEXT;
ALTER TABLE users ADD COLUMN sealed_key TEXT;
-- A password reset a manager signed: the public key of a one-time key made
-- from the reset code (80 random bits), and until when it may be used.
-- Whoever holds the code registers the account's new key once, on any desk.
ALTER TABLE users ADD COLUMN reset_key TEXT;
ALTER TABLE users ADD COLUMN reset_expires_at TEXT;

-- The author's signature over the op's canonical bytes; NULL for ops made
-- before this version (they wait until their author signs in here again).
ALTER TABLE outbox ADD COLUMN signature TEXT;

-- A session keeps its person's private key sealed under a key derived from
-- the session token, which never rests on disk: a desk restarted with the
-- session open signs without asking for the password again, and a copied
-- database signs nothing.
ALTER TABLE sessions ADD COLUMN sealed_key TEXT;

-- Changes pulled from the server that this desk cannot apply (a value its
-- schema does not know, a missing parent row, an update of recorded
-- money): kept with the reason, listed beside refused changes; the cursor
-- moves on, so one bad change never stalls a scope.
CREATE TABLE set_aside_changes (
    op_id           TEXT PRIMARY KEY,
    scope           TEXT NOT NULL,
    scope_seq       INTEGER NOT NULL,
    device_id       TEXT NOT NULL,
    author_user_id  TEXT,
    entity          TEXT NOT NULL,
    entity_id       TEXT NOT NULL,
    kind            TEXT NOT NULL,
    op              TEXT NOT NULL,  -- the op as received (JSON)
    reason          TEXT NOT NULL,
    set_aside_at    TEXT NOT NULL
);
