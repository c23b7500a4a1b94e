-- Payroll an accountant accepts (docs/domains.md, "Payroll").
--
-- A person's salary structure at a branch: components with an amount from
-- a day on (a raise is a new row from a later day, so months before it
-- stay as they were; an amount of 0 ends a component). BASIC counts for
-- provident fund, ALLOWANCE is any other fixed earning (HRA, conveyance),
-- TDS is the income tax deducted each month, as entered (not computed).
-- id = UUIDv5(branch, user, name, effective_from): the same entry made on
-- two desks is one row.
CREATE TABLE salary_components (
    id              TEXT PRIMARY KEY,
    branch_id       TEXT    NOT NULL REFERENCES branches (id),
    user_id         TEXT    NOT NULL REFERENCES users (id),
    kind            TEXT    NOT NULL CHECK (kind IN ('BASIC', 'ALLOWANCE', 'TDS')),
    name            TEXT    NOT NULL,
    amount_minor    INTEGER NOT NULL CHECK (amount_minor >= 0),
    effective_from  TEXT    NOT NULL,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL
);
CREATE INDEX salary_components_person ON salary_components (branch_id, user_id);

-- Money advanced to a person, recovered from their pay by a monthly
-- instalment from the month after it was given.
CREATE TABLE salary_advances (
    id                      TEXT PRIMARY KEY,
    branch_id               TEXT    NOT NULL REFERENCES branches (id),
    user_id                 TEXT    NOT NULL REFERENCES users (id),
    given_on                TEXT    NOT NULL,
    amount_minor            INTEGER NOT NULL CHECK (amount_minor >= 1),
    monthly_recovery_minor  INTEGER NOT NULL CHECK (monthly_recovery_minor >= 1),
    note                    TEXT    NOT NULL DEFAULT '',
    given_by                TEXT    REFERENCES users (id),
    created_at              TEXT    NOT NULL,
    updated_at              TEXT    NOT NULL
);
CREATE INDEX salary_advances_person ON salary_advances (branch_id, user_id);

-- A month's line, itemised: fixed pay from the structure (basic and
-- allowances), unpaid leave and what it cut, gross pay, each statutory
-- deduction (with the employer's share of PF and ESI), the advance
-- recovered. total_minor is the net pay (what is paid). Lines from
-- before this carry zeros here and their total as gross and net. A desk
-- one schema behind skips these columns when it applies a pulled line.
ALTER TABLE salary_lines ADD COLUMN basic_minor INTEGER NOT NULL DEFAULT 0;
ALTER TABLE salary_lines ADD COLUMN allowances_minor INTEGER NOT NULL DEFAULT 0;
ALTER TABLE salary_lines ADD COLUMN unpaid_days INTEGER NOT NULL DEFAULT 0;
ALTER TABLE salary_lines ADD COLUMN leave_deduction_minor INTEGER NOT NULL DEFAULT 0;
ALTER TABLE salary_lines ADD COLUMN gross_minor INTEGER NOT NULL DEFAULT 0;
ALTER TABLE salary_lines ADD COLUMN pf_employee_minor INTEGER NOT NULL DEFAULT 0;
ALTER TABLE salary_lines ADD COLUMN pf_employer_minor INTEGER NOT NULL DEFAULT 0;
ALTER TABLE salary_lines ADD COLUMN esi_employee_minor INTEGER NOT NULL DEFAULT 0;
ALTER TABLE salary_lines ADD COLUMN esi_employer_minor INTEGER NOT NULL DEFAULT 0;
ALTER TABLE salary_lines ADD COLUMN pt_minor INTEGER NOT NULL DEFAULT 0;
ALTER TABLE salary_lines ADD COLUMN tds_minor INTEGER NOT NULL DEFAULT 0;
ALTER TABLE salary_lines ADD COLUMN advance_recovery_minor INTEGER NOT NULL DEFAULT 0;

-- When a member of staff joined: no salary component takes effect before it.
ALTER TABLE staff_profiles ADD COLUMN joined_on TEXT;
