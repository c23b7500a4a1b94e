-- The organisation's table of teachers' pay rates (a per-session rate, a
-- commission per student, a fixed monthly amount), named once and referred
-- to by batches: changing a rate changes the pay of every batch on it for
-- months not yet paid. A batch without a rate keeps its own terms.
CREATE TABLE commission_rates (
    id            TEXT PRIMARY KEY,
    name          TEXT    NOT NULL,
    model         TEXT    NOT NULL CHECK (model IN ('FIXED_MONTHLY', 'PER_SESSION', 'PER_STUDENT')),
    amount_minor  INTEGER NOT NULL CHECK (amount_minor >= 0),
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL
);

ALTER TABLE batches ADD COLUMN commission_rate_id TEXT REFERENCES commission_rates (id);
