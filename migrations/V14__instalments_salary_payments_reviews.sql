-- Fees in instalments: a batch's plan may be a list of dates and amounts
-- instead of a frequency. JSON: [{"due_on": "YYYY-MM-DD", "amount_minor": n}]
-- in date order; '[]' means the plan is `fee_frequency` (the frequency's
-- CHECK cannot widen in place, so an instalment plan keeps ONE_TIME there
-- and `fee_minor` holds the plan's total).
ALTER TABLE batches ADD COLUMN fee_instalments TEXT NOT NULL DEFAULT '[]';

-- A salary paid, as money of its own: append-only like receipts, numbered
-- from the desk's payment series (K2/D1/S2627/0001), never changed. A
-- salary line is paid when it has one; two desks paying the same line
-- offline make two, and the second is listed for review, never lost.
CREATE TABLE salary_payments (
    id              TEXT PRIMARY KEY,
    branch_id       TEXT    NOT NULL REFERENCES branches (id),
    salary_line_id  TEXT    NOT NULL REFERENCES salary_lines (id),
    user_id         TEXT    NOT NULL REFERENCES users (id),
    number          TEXT    NOT NULL UNIQUE,
    desk_no         INTEGER NOT NULL,
    fiscal_year     TEXT    NOT NULL,
    serial          INTEGER NOT NULL,
    amount_minor    INTEGER NOT NULL CHECK (amount_minor > 0),
    method          TEXT    NOT NULL,
    reference       TEXT    NOT NULL DEFAULT '',
    paid_by         TEXT    REFERENCES users (id),
    paid_at         TEXT    NOT NULL,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    UNIQUE (desk_no, fiscal_year, serial)
);
CREATE INDEX salary_payments_line ON salary_payments (salary_line_id);

-- Money the server accepted but flagged (its author lacked the permission
-- at the time, or the like): id = UUIDv5(the op), written by the server
-- into the row's branch; a manager marks each reviewed with a note.
CREATE TABLE money_reviews (
    id              TEXT PRIMARY KEY,
    branch_id       TEXT    NOT NULL REFERENCES branches (id),
    entity          TEXT    NOT NULL,
    entity_id       TEXT    NOT NULL,
    reason          TEXT    NOT NULL,
    author_user_id  TEXT,
    flagged_at      TEXT    NOT NULL,
    reviewed_at     TEXT,
    reviewed_by     TEXT,
    review_note     TEXT    NOT NULL DEFAULT '',
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL
);
CREATE INDEX money_reviews_open ON money_reviews (branch_id, reviewed_at);
