-- Keys this desk made for accounts that had none on the server (made before
-- signing), and whether the server took their owner's one-time password
-- proof: until it has, the op registering the key and every later op wait
-- (docs/trust.md). Local to this desk.
CREATE TABLE key_proofs (
    user_id     TEXT NOT NULL,
    public_key  TEXT NOT NULL,
    noted_at    TEXT NOT NULL,
    proven_at   TEXT,
    -- Why the server refused the proof (it knows another password).
    refused     TEXT,
    PRIMARY KEY (user_id, public_key)
);

-- Wrong sign-ins for an email no account here holds, counted and locked as
-- for a real account (by a digest of the email), so the answer never tells
-- whether an account exists. Local to this desk.
CREATE TABLE unknown_sign_ins (
    email_digest  TEXT PRIMARY KEY,
    failures      INTEGER NOT NULL DEFAULT 0,
    locked_until  TEXT
);

-- Wrong reset codes are counted apart from wrong passwords: they pause
-- codes for the account, never its password sign-in.
ALTER TABLE login_state ADD COLUMN code_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE login_state ADD COLUMN codes_locked_until TEXT;

-- This desk's own ops not yet sent back by the server all lie at or above
-- `echo_floor` (the applier moves it up as they return): a range of the
-- outbox's own key replaces the index on unreturned ops, which cost every
-- user action one more page written and synced.
ALTER TABLE sync_state ADD COLUMN echo_floor INTEGER NOT NULL DEFAULT 0;
UPDATE sync_state SET echo_floor = coalesce(
    (SELECT min(seq) FROM outbox WHERE echoed_at IS NULL AND refused_reason IS NULL),
    (SELECT coalesce(max(seq), 0) + 1 FROM outbox));
DROP INDEX outbox_not_echoed;
