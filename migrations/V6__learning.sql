-- What students do with a curriculum: submissions of assignments (graded
-- by the teacher), lesson bookmarks and highlights. Branch-scoped (the
-- student's branch).

-- id = UUIDv5(assignment, student): one submission per student, however
-- many desks record it.
CREATE TABLE submissions (
    id             TEXT PRIMARY KEY,
    branch_id      TEXT    NOT NULL REFERENCES branches (id),
    assignment_id  TEXT    NOT NULL REFERENCES assignments (id),
    student_id     TEXT    NOT NULL REFERENCES students (id),
    batch_id       TEXT    NOT NULL REFERENCES batches (id),
    submitted_on   TEXT    NOT NULL,
    late           INTEGER NOT NULL DEFAULT 0,
    marks          INTEGER,
    feedback       TEXT    NOT NULL DEFAULT '',
    graded_by      TEXT    REFERENCES users (id),
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL
);
CREATE INDEX submissions_assignment ON submissions (assignment_id, batch_id);

-- id = UUIDv5(student, lesson); `removed_at` set when unbookmarked.
CREATE TABLE lesson_bookmarks (
    id          TEXT PRIMARY KEY,
    branch_id   TEXT NOT NULL REFERENCES branches (id),
    student_id  TEXT NOT NULL REFERENCES students (id),
    lesson_id   TEXT NOT NULL REFERENCES curriculum_lessons (id),
    removed_at  TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX lesson_bookmarks_student ON lesson_bookmarks (student_id);

CREATE TABLE lesson_highlights (
    id          TEXT PRIMARY KEY,
    branch_id   TEXT NOT NULL REFERENCES branches (id),
    student_id  TEXT NOT NULL REFERENCES students (id),
    lesson_id   TEXT NOT NULL REFERENCES curriculum_lessons (id),
    text        TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    removed_at  TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX lesson_highlights_student ON lesson_highlights (student_id, lesson_id);

-- A teacher's or staff member's profile, one per user account (id = the
-- user's id). Bank details are secrets: redacted in the audit log and
-- shown masked to anyone who does not run payroll.
CREATE TABLE staff_profiles (
    id                    TEXT PRIMARY KEY REFERENCES users (id),
    kind                  TEXT NOT NULL CHECK (kind IN ('TEACHER', 'STAFF')),
    specialties           TEXT NOT NULL DEFAULT '',
    qualifications        TEXT NOT NULL DEFAULT '',
    bio                   TEXT NOT NULL DEFAULT '',
    department            TEXT NOT NULL DEFAULT '',
    designation           TEXT NOT NULL DEFAULT '',
    reporting_manager_id  TEXT REFERENCES users (id),
    bank_account_name     TEXT NOT NULL DEFAULT '',
    bank_account_number   TEXT NOT NULL DEFAULT '',
    bank_ifsc             TEXT NOT NULL DEFAULT '',
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL
);
