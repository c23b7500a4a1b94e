-- Paper tests: the organisation's papers with their sections (maximum
-- marks, grace given to a section), the batches that sit them in each
-- branch, and one row of marks per (section, student) with a derived id,
-- so two desks entering the same cell converge to one row. Marks are in
-- hundredths of a mark.
CREATE TABLE paper_tests (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    course_id   TEXT REFERENCES courses (id),
    held_on     TEXT NOT NULL,
    created_by  TEXT NOT NULL REFERENCES users (id),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX paper_tests_by_day ON paper_tests (held_on DESC);

CREATE TABLE paper_test_sections (
    id                TEXT PRIMARY KEY,
    test_id           TEXT    NOT NULL REFERENCES paper_tests (id),
    name              TEXT    NOT NULL,
    position          INTEGER NOT NULL CHECK (position BETWEEN 0 AND 1000),
    max_hundredths    INTEGER NOT NULL CHECK (max_hundredths BETWEEN 1 AND 1000000),
    grace_hundredths  INTEGER NOT NULL DEFAULT 0 CHECK (grace_hundredths BETWEEN 0 AND 1000000),
    grace_reason      TEXT    NOT NULL DEFAULT '',
    removed           INTEGER NOT NULL DEFAULT 0,
    created_at        TEXT    NOT NULL,
    updated_at        TEXT    NOT NULL
);
CREATE INDEX paper_test_sections_of_test ON paper_test_sections (test_id, position);

CREATE TABLE test_sittings (
    id          TEXT PRIMARY KEY,
    branch_id   TEXT NOT NULL REFERENCES branches (id),
    test_id     TEXT NOT NULL REFERENCES paper_tests (id),
    batch_id    TEXT NOT NULL REFERENCES batches (id),
    held_on     TEXT NOT NULL,
    event_id    TEXT REFERENCES events (id),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX test_sittings_of_test ON test_sittings (test_id);

CREATE TABLE test_marks (
    id                TEXT PRIMARY KEY,
    branch_id         TEXT    NOT NULL REFERENCES branches (id),
    test_id           TEXT    NOT NULL REFERENCES paper_tests (id),
    section_id        TEXT    NOT NULL REFERENCES paper_test_sections (id),
    student_id        TEXT    NOT NULL REFERENCES students (id),
    batch_id          TEXT    NOT NULL REFERENCES batches (id),
    marks_hundredths  INTEGER CHECK (marks_hundredths BETWEEN 0 AND 1000000),
    absent            INTEGER NOT NULL DEFAULT 0,
    entered_by        TEXT REFERENCES users (id),
    created_at        TEXT    NOT NULL,
    updated_at        TEXT    NOT NULL
);
CREATE INDEX test_marks_of_test ON test_marks (test_id, batch_id, student_id);
CREATE INDEX test_marks_of_student ON test_marks (student_id);

-- A course's question bank: a question's choices (or accepted short
-- answers) with their weights are one JSON value, changed together. The id
-- is derived from the course and the question's text, so importing the
-- same file again updates the questions instead of adding them twice.
CREATE TABLE questions (
    id                 TEXT PRIMARY KEY,
    course_id          TEXT    NOT NULL REFERENCES courses (id),
    kind               TEXT    NOT NULL CHECK (kind IN ('MULTIPLE_CHOICE', 'MULTIPLE_SELECT', 'TRUE_FALSE', 'SHORT_ANSWER')),
    name               TEXT    NOT NULL DEFAULT '',
    topic              TEXT    NOT NULL DEFAULT '',
    difficulty         TEXT    NOT NULL DEFAULT 'MEDIUM' CHECK (difficulty IN ('MEDIUM', 'EASY', 'HARD')),
    text               TEXT    NOT NULL,
    options            TEXT    NOT NULL,
    points_hundredths  INTEGER NOT NULL CHECK (points_hundredths BETWEEN 1 AND 1000000),
    explanation        TEXT    NOT NULL DEFAULT '',
    created_by         TEXT    NOT NULL REFERENCES users (id),
    removed            INTEGER NOT NULL DEFAULT 0,
    created_at         TEXT    NOT NULL,
    updated_at         TEXT    NOT NULL
);
CREATE INDEX questions_of_course ON questions (course_id, topic);
