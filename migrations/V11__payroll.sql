-- Payroll. A person's fixed monthly salary at a branch (id = UUIDv5(branch,
-- user)), and each month's salary line per person (id = UUIDv5(branch,
-- month, user), so two desks running the same month make the same lines):
-- what they earned from the sessions they actually taught (substitutes
-- credited, cancelled sessions not), their batches' fixed pay and
-- commission, adjustments with a note, and, once paid, how.
CREATE TABLE salary_configs (
    id                   TEXT PRIMARY KEY,
    branch_id            TEXT    NOT NULL REFERENCES branches (id),
    user_id              TEXT    NOT NULL REFERENCES users (id),
    fixed_monthly_minor  INTEGER NOT NULL CHECK (fixed_monthly_minor >= 0),
    created_at           TEXT    NOT NULL,
    updated_at           TEXT    NOT NULL
);
CREATE INDEX salary_configs_branch ON salary_configs (branch_id);

CREATE TABLE salary_lines (
    id                 TEXT PRIMARY KEY,
    branch_id          TEXT    NOT NULL REFERENCES branches (id),
    month              TEXT    NOT NULL,
    user_id            TEXT    NOT NULL REFERENCES users (id),
    fixed_minor        INTEGER NOT NULL,
    batch_fixed_minor  INTEGER NOT NULL,
    sessions_taught    INTEGER NOT NULL,
    session_minor      INTEGER NOT NULL,
    students           INTEGER NOT NULL,
    commission_minor   INTEGER NOT NULL,
    adjustments_minor  INTEGER NOT NULL DEFAULT 0,
    adjustment_note    TEXT    NOT NULL DEFAULT '',
    total_minor        INTEGER NOT NULL,
    paid_at            TEXT,
    paid_method        TEXT,
    paid_reference     TEXT    NOT NULL DEFAULT '',
    paid_by            TEXT    REFERENCES users (id),
    created_at         TEXT    NOT NULL,
    updated_at         TEXT    NOT NULL
);
CREATE INDEX salary_lines_month ON salary_lines (branch_id, month);
