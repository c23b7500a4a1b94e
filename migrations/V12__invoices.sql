-- Invoices for a period: the fees of a student falling due in it, with the
-- GST inside them, numbered from the desk's own invoice series (like
-- receipts: unique on every desk even offline, gap-free per desk and
-- financial year). An invoice is never changed once issued.
CREATE TABLE invoices (
    id             TEXT PRIMARY KEY,
    branch_id      TEXT    NOT NULL REFERENCES branches (id),
    student_id     TEXT    NOT NULL REFERENCES students (id),
    number         TEXT    NOT NULL UNIQUE,
    desk_no        INTEGER NOT NULL,
    fiscal_year    TEXT    NOT NULL,
    serial         INTEGER NOT NULL,
    period_from    TEXT    NOT NULL,
    period_to      TEXT    NOT NULL,
    -- JSON: [{"description", "due_on", "amount_minor"}]
    lines          TEXT    NOT NULL,
    total_minor    INTEGER NOT NULL CHECK (total_minor > 0),
    tax_minor      INTEGER NOT NULL CHECK (tax_minor >= 0),
    tax_rate_bp    INTEGER NOT NULL,
    issued_by      TEXT    REFERENCES users (id),
    issued_at      TEXT    NOT NULL,
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL,
    UNIQUE (desk_no, fiscal_year, serial)
);
CREATE INDEX invoices_student ON invoices (student_id, issued_at);
