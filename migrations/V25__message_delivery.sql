-- Messages that leave the building. Each guardian may say which channel
-- reaches them (NULL: the branch's usual, SMS). A desk of an organisation
-- without a sync server sends by itself: the channels it is set up with and
-- what became of each message it sent are its own (local) business. With a
-- server, the server sends and records the outcome on the synced row.
ALTER TABLE guardians ADD COLUMN preferred_channel TEXT
    CHECK (preferred_channel IN ('SMS', 'WHATSAPP', 'EMAIL'));

-- ------------------------------------------------------------- local
-- A channel's settings (JSON, without its secret) and its secret, which is
-- never synced, never audited and never shown again after saving.
CREATE TABLE channel_settings (
    channel     TEXT PRIMARY KEY,
    config      TEXT NOT NULL,
    secret      TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

-- Each approved message this desk tried to send: being sent, sent (with
-- the provider's id), waiting to try again after a temporary failure, or
-- failed for good with the reason. A message is sent at most once: SENDING
-- is written before it leaves, so a desk that stopped mid-send finds it
-- and asks a person rather than sending it again.
CREATE TABLE deliveries (
    notification_id  TEXT PRIMARY KEY REFERENCES notifications (id),
    state            TEXT    NOT NULL CHECK (state IN ('SENDING', 'RETRY', 'SENT', 'FAILED')),
    attempts         INTEGER NOT NULL CHECK (attempts >= 0),
    next_attempt_at  TEXT,
    provider_ref     TEXT    NOT NULL DEFAULT '',
    error            TEXT    NOT NULL DEFAULT '',
    updated_at       TEXT    NOT NULL
);
CREATE INDEX deliveries_retry ON deliveries (next_attempt_at) WHERE state = 'RETRY';

-- The message list reads a page of one state newest first, ties by id.
DROP INDEX notifications_branch_state;
CREATE INDEX notifications_branch_state ON notifications (branch_id, state, created_at, id);
