-- A collector's cash count at the end of a day (the day book's closing):
-- what the receipts say should be in the drawer, what was counted, and
-- why they differ. id = UUIDv5(branch, day, collector): one per collector
-- and day; counting again replaces it.
CREATE TABLE cash_closings (
    id                TEXT PRIMARY KEY,
    branch_id         TEXT    NOT NULL REFERENCES branches (id),
    collector_id      TEXT    NOT NULL REFERENCES users (id),
    day               TEXT    NOT NULL,
    expected_minor    INTEGER NOT NULL,
    counted_minor     INTEGER NOT NULL CHECK (counted_minor >= 0),
    note              TEXT    NOT NULL DEFAULT '',
    closed_at         TEXT    NOT NULL,
    created_at        TEXT    NOT NULL,
    updated_at        TEXT    NOT NULL
);
CREATE INDEX cash_closings_day ON cash_closings (branch_id, day);
