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
