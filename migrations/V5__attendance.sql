-- Attendance, lesson progress and the notification queue.

-- One record per (student, session) everywhere: id = UUIDv5(student,
-- session), so two desks marking the same student offline end with one
-- row; its status is last-writer-wins, and every mark is also kept in
-- attendance_marks, so a mark that lost stays visible.
CREATE TABLE attendance (
    id          TEXT PRIMARY KEY,
    branch_id   TEXT NOT NULL REFERENCES branches (id),
    session_id  TEXT NOT NULL REFERENCES class_sessions (id),
    batch_id    TEXT NOT NULL REFERENCES batches (id),
    student_id  TEXT NOT NULL REFERENCES students (id),
    date        TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('PRESENT', 'ABSENT', 'LATE', 'EXCUSED')),
    note        TEXT NOT NULL DEFAULT '',
    marked_by   TEXT REFERENCES users (id),
    marked_at   TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (student_id, session_id)
);
CREATE INDEX attendance_session ON attendance (session_id);
CREATE INDEX attendance_branch_date ON attendance (branch_id, date);
CREATE INDEX attendance_student_date ON attendance (student_id, date);

-- Every change of a mark: who, when, old and new. Append-only.
CREATE TABLE attendance_marks (
    id             TEXT PRIMARY KEY,
    branch_id      TEXT NOT NULL REFERENCES branches (id),
    attendance_id  TEXT NOT NULL,
    session_id     TEXT NOT NULL,
    student_id     TEXT NOT NULL,
    old_status     TEXT,
    new_status     TEXT NOT NULL,
    note           TEXT NOT NULL DEFAULT '',
    reason         TEXT NOT NULL DEFAULT '',
    marked_by      TEXT REFERENCES users (id),
    marked_at      TEXT NOT NULL
);
CREATE INDEX attendance_marks_record ON attendance_marks (attendance_id, marked_at);

-- Which lessons of the batch's curriculum a session covered.
-- id = UUIDv5(session, lesson).
CREATE TABLE session_lessons (
    id          TEXT PRIMARY KEY,
    branch_id   TEXT NOT NULL REFERENCES branches (id),
    session_id  TEXT NOT NULL REFERENCES class_sessions (id),
    lesson_id   TEXT NOT NULL REFERENCES curriculum_lessons (id),
    removed_at  TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX session_lessons_session ON session_lessons (session_id);

-- Messages to people (absence alerts now, fee reminders later): drafted,
-- reviewed (approved or discarded), then sent when a channel is online.
-- An absence alert's id is UUIDv5 of its attendance record, so two desks
-- drafting it make one.
CREATE TABLE notifications (
    id              TEXT PRIMARY KEY,
    branch_id       TEXT NOT NULL REFERENCES branches (id),
    kind            TEXT NOT NULL CHECK (kind IN ('ABSENCE', 'FEE_REMINDER', 'OTHER')),
    recipient_name  TEXT NOT NULL,
    recipient       TEXT NOT NULL,
    channel         TEXT NOT NULL CHECK (channel IN ('SMS', 'WHATSAPP', 'EMAIL')),
    body            TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('DRAFT', 'APPROVED', 'SENT', 'FAILED', 'DISCARDED')),
    source_id       TEXT,
    student_id      TEXT REFERENCES students (id),
    reviewed_by     TEXT REFERENCES users (id),
    sent_at         TEXT,
    error           TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX notifications_branch_state ON notifications (branch_id, state, created_at);

-- ------------------------------------------------------------- local
-- Marks not yet saved, per session: they survive a crash or a power cut.
CREATE TABLE attendance_drafts (
    session_id  TEXT PRIMARY KEY,
    marks       TEXT NOT NULL,   -- JSON array of {student_id, status, note}
    updated_at  TEXT NOT NULL
) WITHOUT ROWID;
