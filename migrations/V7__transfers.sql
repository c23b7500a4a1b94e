-- A student's transfer between branches. The row lives in the receiving
-- branch (`branch_id`) and is published from the sending one; the server
-- carries it, the student and their guardians into the new branch's scope.
-- `history` is the student's record at the sending branch (JSON: enrolments
-- with their logs, attendance and progress, and the earlier branches), so
-- the new branch sees everything although the old batches stay behind.
CREATE TABLE student_transfers (
    id              TEXT PRIMARY KEY,
    branch_id       TEXT NOT NULL REFERENCES branches (id),
    from_branch_id  TEXT NOT NULL REFERENCES branches (id),
    student_id      TEXT NOT NULL REFERENCES students (id),
    reason          TEXT NOT NULL,
    history         TEXT NOT NULL,
    transferred_by  TEXT REFERENCES users (id),
    transferred_at  TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX student_transfers_student ON student_transfers (student_id, transferred_at);
