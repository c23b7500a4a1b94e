-- Fees. Money rows are append-only (sync-design.md): a receipt is never
-- changed; a void, refund or bounced cheque is a reversal row. Every
-- amount is integer minor units.

-- This desk's number in the organisation (given by the server when it
-- enrols; 1 for the desk that created the organisation).
ALTER TABLE sync_state ADD COLUMN desk_no INTEGER NOT NULL DEFAULT 1;

-- id = UUIDv5(enrolment, due date) (a late fee: UUIDv5(the due)): two
-- desks enrolling the same student offline make the same dues once.
CREATE TABLE dues (
    id            TEXT PRIMARY KEY,
    branch_id     TEXT    NOT NULL REFERENCES branches (id),
    student_id    TEXT    NOT NULL REFERENCES students (id),
    enrolment_id  TEXT    REFERENCES enrolments (id),
    -- FEE from a fee plan, LATE_FEE by the late-fee rule, OPENING imported.
    kind          TEXT    NOT NULL DEFAULT 'FEE' CHECK (kind IN ('FEE', 'LATE_FEE', 'OPENING')),
    description   TEXT    NOT NULL,
    due_on        TEXT    NOT NULL,
    amount_minor  INTEGER NOT NULL CHECK (amount_minor >= 0),
    cancelled_at  TEXT,
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL
);
CREATE INDEX dues_student ON dues (student_id, due_on);
CREATE INDEX dues_branch_open ON dues (branch_id, due_on) WHERE cancelled_at IS NULL;

-- Numbered per desk and financial year without gaps: `number` is
-- {branch code/}D{desk}/{year}/{serial}, at most 16 characters.
CREATE TABLE receipts (
    id             TEXT PRIMARY KEY,
    branch_id      TEXT    NOT NULL REFERENCES branches (id),
    student_id     TEXT    NOT NULL REFERENCES students (id),
    number         TEXT    NOT NULL UNIQUE,
    desk_no        INTEGER NOT NULL,
    fiscal_year    TEXT    NOT NULL,
    serial         INTEGER NOT NULL,
    amount_minor   INTEGER NOT NULL CHECK (amount_minor > 0),
    tax_minor      INTEGER NOT NULL CHECK (tax_minor >= 0),
    tax_rate_bp    INTEGER NOT NULL,
    method         TEXT    NOT NULL CHECK (method IN ('CASH', 'BANK_TRANSFER', 'UPI', 'CARD', 'CHEQUE')),
    reference      TEXT    NOT NULL DEFAULT '',
    cheque_date    TEXT,
    collected_by   TEXT    REFERENCES users (id),
    collected_at   TEXT    NOT NULL,
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL,
    UNIQUE (desk_no, fiscal_year, serial)
);
CREATE INDEX receipts_student ON receipts (student_id, collected_at);
CREATE INDEX receipts_branch_day ON receipts (branch_id, collected_at);

CREATE TABLE receipt_allocations (
    id            TEXT PRIMARY KEY,
    branch_id     TEXT    NOT NULL REFERENCES branches (id),
    receipt_id    TEXT    NOT NULL REFERENCES receipts (id),
    due_id        TEXT    NOT NULL REFERENCES dues (id),
    amount_minor  INTEGER NOT NULL CHECK (amount_minor > 0),
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL
);
CREATE INDEX receipt_allocations_receipt ON receipt_allocations (receipt_id);
CREATE INDEX receipt_allocations_due ON receipt_allocations (due_id);

-- A void or bounced cheque reverses the whole receipt; its id is
-- UUIDv5(receipt), so two desks voiding the same receipt reverse it once.
-- Refunds (part of the money back) have their own ids.
CREATE TABLE receipt_reversals (
    id            TEXT PRIMARY KEY,
    branch_id     TEXT    NOT NULL REFERENCES branches (id),
    receipt_id    TEXT    NOT NULL REFERENCES receipts (id),
    kind          TEXT    NOT NULL CHECK (kind IN ('VOID', 'REFUND', 'BOUNCE')),
    amount_minor  INTEGER NOT NULL CHECK (amount_minor > 0),
    reason        TEXT    NOT NULL,
    reversed_by   TEXT    REFERENCES users (id),
    reversed_at   TEXT    NOT NULL,
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL
);
CREATE INDEX receipt_reversals_receipt ON receipt_reversals (receipt_id);

-- The phone to call about a student (primary guardian first), read for every
-- line of the dues lists and the students list: one index probe each.
CREATE INDEX student_guardians_first ON student_guardians (student_id, is_primary DESC, created_at, guardian_id)
    WHERE removed_at IS NULL;
