-- A branch's expenses: what was bought, from whom, how it was paid, the
-- bill (at most 2 MB, base64, so it reaches every desk), and approval when
-- the amount is above the branch's setting. A wrong entry is voided with a
-- reason, never deleted.
CREATE TABLE expenses (
    id              TEXT PRIMARY KEY,
    branch_id       TEXT    NOT NULL REFERENCES branches (id),
    day             TEXT    NOT NULL,
    category        TEXT    NOT NULL CHECK (category IN ('RENT', 'UTILITIES', 'SUPPLIES', 'MARKETING', 'MAINTENANCE', 'TRAVEL', 'OTHER')),
    vendor          TEXT    NOT NULL,
    description     TEXT    NOT NULL DEFAULT '',
    amount_minor    INTEGER NOT NULL CHECK (amount_minor > 0),
    method          TEXT    NOT NULL CHECK (method IN ('CASH', 'BANK_TRANSFER', 'UPI', 'CARD', 'CHEQUE')),
    reference       TEXT    NOT NULL DEFAULT '',
    bill_name       TEXT    NOT NULL DEFAULT '',
    bill_b64        TEXT,
    status          TEXT    NOT NULL CHECK (status IN ('PENDING_APPROVAL', 'APPROVED', 'REJECTED', 'VOIDED')),
    recorded_by     TEXT    REFERENCES users (id),
    decided_by      TEXT    REFERENCES users (id),
    decision_note   TEXT    NOT NULL DEFAULT '',
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL
);
CREATE INDEX expenses_branch_day ON expenses (branch_id, day);
