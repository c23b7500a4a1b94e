-- Quizzes taken on a desk: the organisation's quizzes (fixed questions
-- from the bank or a draw by topic and difficulty), their publication to a
-- batch with an opening and a closing time, and per student the attempts
-- (derived id of quiz, student and number: the same attempt on two desks
-- is one row) and the answers (derived id of attempt and question: two
-- desks holding one attempt merge per question). Scores are not stored:
-- they follow from the answers, the keys and a teacher's marks for short
-- answers, so a corrected key re-scores every attempt.
CREATE TABLE quizzes (
    id                       TEXT    PRIMARY KEY,
    name                     TEXT    NOT NULL,
    course_id                TEXT    NOT NULL REFERENCES courses (id),
    question_ids             TEXT    NOT NULL DEFAULT '[]',
    draw                     TEXT    NOT NULL DEFAULT '[]',
    duration_minutes         INTEGER NOT NULL CHECK (duration_minutes BETWEEN 1 AND 600),
    attempts_allowed         INTEGER NOT NULL CHECK (attempts_allowed BETWEEN 1 AND 100),
    pass_bp                  INTEGER NOT NULL CHECK (pass_bp BETWEEN 0 AND 10000),
    wrong_choice_penalty_bp  INTEGER NOT NULL DEFAULT 0 CHECK (wrong_choice_penalty_bp BETWEEN 0 AND 10000),
    floor_at_zero            INTEGER NOT NULL DEFAULT 0,
    shuffle                  INTEGER NOT NULL DEFAULT 0,
    created_by               TEXT    NOT NULL REFERENCES users (id),
    removed                  INTEGER NOT NULL DEFAULT 0,
    created_at               TEXT    NOT NULL,
    updated_at               TEXT    NOT NULL
);
CREATE INDEX quizzes_by_time ON quizzes (created_at DESC);

CREATE TABLE quiz_publications (
    id            TEXT PRIMARY KEY,
    branch_id     TEXT NOT NULL REFERENCES branches (id),
    quiz_id       TEXT NOT NULL REFERENCES quizzes (id),
    batch_id      TEXT NOT NULL REFERENCES batches (id),
    opens_at      TEXT NOT NULL,
    closes_at     TEXT NOT NULL,
    released_at   TEXT,
    published_by  TEXT NOT NULL REFERENCES users (id),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX quiz_publications_of_quiz ON quiz_publications (quiz_id);
CREATE INDEX quiz_publications_of_batch ON quiz_publications (batch_id);

CREATE TABLE quiz_attempts (
    id              TEXT    PRIMARY KEY,
    branch_id       TEXT    NOT NULL REFERENCES branches (id),
    quiz_id         TEXT    NOT NULL REFERENCES quizzes (id),
    batch_id        TEXT    NOT NULL REFERENCES batches (id),
    student_id      TEXT    NOT NULL REFERENCES students (id),
    number          INTEGER NOT NULL CHECK (number BETWEEN 1 AND 100),
    seed            INTEGER NOT NULL,
    drawn           TEXT    NOT NULL,
    time_used_ms    INTEGER NOT NULL CHECK (time_used_ms BETWEEN 0 AND 100000000),
    position        INTEGER NOT NULL DEFAULT 0 CHECK (position BETWEEN 0 AND 10000),
    started_device  TEXT    NOT NULL,
    started_at      TEXT    NOT NULL,
    submitted_at    TEXT,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL
);
CREATE INDEX quiz_attempts_of_quiz ON quiz_attempts (quiz_id, batch_id);
CREATE INDEX quiz_attempts_of_student ON quiz_attempts (student_id, quiz_id);

CREATE TABLE quiz_responses (
    id                 TEXT    PRIMARY KEY,
    branch_id          TEXT    NOT NULL REFERENCES branches (id),
    attempt_id         TEXT    NOT NULL REFERENCES quiz_attempts (id),
    question_id        TEXT    NOT NULL REFERENCES questions (id),
    student_id         TEXT    NOT NULL REFERENCES students (id),
    chosen             TEXT    NOT NULL DEFAULT '[]',
    typed              TEXT    NOT NULL DEFAULT '',
    flagged            INTEGER NOT NULL DEFAULT 0,
    device             TEXT    NOT NULL,
    graded_hundredths  INTEGER CHECK (graded_hundredths BETWEEN 0 AND 1000000),
    comment            TEXT    NOT NULL DEFAULT '',
    graded_by          TEXT REFERENCES users (id),
    created_at         TEXT    NOT NULL,
    updated_at         TEXT    NOT NULL
);
CREATE INDEX quiz_responses_of_attempt ON quiz_responses (attempt_id);

-- A bank question's picture (JPEG or PNG, base64), shown with it.
ALTER TABLE questions ADD COLUMN image_b64 TEXT;
