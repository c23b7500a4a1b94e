-- Sending for the organisation. `channel_settings`: each channel's
-- settings (JSON) and its secret apart; never synced, never logged.
-- `deliveries`: one row per approved message the server has taken on (the
-- message's id, so two desks approving the same alert make one), and what
-- became of it. WAITING → SENDING → SENT, or RETRY (tried again at
-- next_attempt_at) or FAILED with the provider's reason, or WITHDRAWN on a
-- desk before it left (the guardian said no).
CREATE TABLE channel_settings (
    channel     TEXT PRIMARY KEY,
    config      TEXT NOT NULL,
    secret      TEXT NOT NULL DEFAULT '',
    updated_at  TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE deliveries (
    notification_id  TEXT PRIMARY KEY,
    channel          TEXT NOT NULL,
    state            TEXT    NOT NULL CHECK (state IN ('WAITING', 'SENDING', 'RETRY', 'SENT', 'FAILED', 'WITHDRAWN')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT    NOT NULL,
    provider_ref     TEXT    NOT NULL DEFAULT '',
    error            TEXT    NOT NULL DEFAULT '',
    updated_at       TEXT    NOT NULL
) WITHOUT ROWID;
CREATE INDEX deliveries_due ON deliveries (state, next_attempt_at);
