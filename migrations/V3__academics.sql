-- Academics and timetable: courses, versioned curricula, batches, class
-- sessions and events. All synced: courses and curricula belong to the
-- organisation scope, batches, sessions and events to their branch.
-- Times of day are minutes after midnight (0..1440) in the branch's local
-- time; dates are ISO YYYY-MM-DD. Nothing is deleted: `deleted_at` or an
-- active flag hides a row, so a sync never has to move a hard delete.

CREATE TABLE courses (
    id                 TEXT PRIMARY KEY,
    code               TEXT    NOT NULL COLLATE NOCASE UNIQUE,
    name               TEXT    NOT NULL,
    description        TEXT    NOT NULL DEFAULT '',
    duration_hours     INTEGER NOT NULL DEFAULT 0,
    default_fee_minor  INTEGER NOT NULL DEFAULT 0 CHECK (default_fee_minor >= 0),
    active             INTEGER NOT NULL DEFAULT 1,
    created_at         TEXT    NOT NULL,
    updated_at         TEXT    NOT NULL
);

-- A learning path: courses in order (a JSON array of course ids).
CREATE TABLE roadmaps (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    course_ids   TEXT NOT NULL DEFAULT '[]',
    active       INTEGER NOT NULL DEFAULT 1,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);

-- One numbered version of a course's curriculum: official (teacher_id NULL)
-- or a teacher's own. Only DRAFT and REJECTED versions are edited; an
-- APPROVED one is copied into a new draft instead.
CREATE TABLE curricula (
    id              TEXT PRIMARY KEY,
    course_id       TEXT    NOT NULL REFERENCES courses (id),
    teacher_id      TEXT    REFERENCES users (id),
    version         INTEGER NOT NULL CHECK (version > 0),
    label           TEXT    NOT NULL DEFAULT '',
    status          TEXT    NOT NULL CHECK (status IN ('DRAFT', 'PENDING_APPROVAL', 'APPROVED', 'REJECTED')),
    created_by      TEXT    REFERENCES users (id),
    copied_from     TEXT    REFERENCES curricula (id),
    submitted_at    TEXT,
    reviewer_id     TEXT    REFERENCES users (id),
    review_comment  TEXT    NOT NULL DEFAULT '',
    reviewed_at     TEXT,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL
);
CREATE INDEX curricula_course ON curricula (course_id, version);

CREATE TABLE curriculum_modules (
    id             TEXT PRIMARY KEY,
    curriculum_id  TEXT    NOT NULL REFERENCES curricula (id),
    position       INTEGER NOT NULL,
    title          TEXT    NOT NULL,
    deleted_at     TEXT,
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL
);
CREATE INDEX curriculum_modules_curriculum ON curriculum_modules (curriculum_id, position);

-- Weightage in basis points: a version's lessons sum to 10,000 (100 %).
CREATE TABLE curriculum_lessons (
    id             TEXT PRIMARY KEY,
    curriculum_id  TEXT    NOT NULL REFERENCES curricula (id),
    module_id      TEXT    NOT NULL REFERENCES curriculum_modules (id),
    position       INTEGER NOT NULL,
    title          TEXT    NOT NULL,
    notes          TEXT    NOT NULL DEFAULT '',
    video_url      TEXT    NOT NULL DEFAULT '',
    weightage_bp   INTEGER NOT NULL DEFAULT 0 CHECK (weightage_bp BETWEEN 0 AND 10000),
    deleted_at     TEXT,
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL
);
CREATE INDEX curriculum_lessons_module ON curriculum_lessons (module_id, position);
CREATE INDEX curriculum_lessons_curriculum ON curriculum_lessons (curriculum_id);

-- A link (`url`), or an attached file kept in the row itself (base64, at
-- most 2 MB) so that it reaches every desk with the curriculum.
CREATE TABLE lesson_resources (
    id           TEXT PRIMARY KEY,
    lesson_id    TEXT NOT NULL REFERENCES curriculum_lessons (id),
    title        TEXT NOT NULL,
    url          TEXT NOT NULL,
    file_name    TEXT NOT NULL DEFAULT '',
    content_b64  TEXT,
    deleted_at  TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX lesson_resources_lesson ON lesson_resources (lesson_id);

CREATE TABLE assignments (
    id             TEXT PRIMARY KEY,
    curriculum_id  TEXT    NOT NULL REFERENCES curricula (id),
    lesson_id      TEXT    REFERENCES curriculum_lessons (id),
    title          TEXT    NOT NULL,
    instructions   TEXT    NOT NULL DEFAULT '',
    due_date       TEXT,
    max_marks      INTEGER NOT NULL CHECK (max_marks > 0),
    deleted_at     TEXT,
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL
);
CREATE INDEX assignments_curriculum ON assignments (curriculum_id);

-- A group taught one course by a teacher in a room at fixed weekly times.
-- `schedule` is a JSON array of {weekday (1 = Monday), start, end} slots.
-- Money is integer minor units of the organisation's currency.
CREATE TABLE batches (
    id                  TEXT PRIMARY KEY,
    branch_id           TEXT    NOT NULL REFERENCES branches (id),
    course_id           TEXT    NOT NULL REFERENCES courses (id),
    curriculum_id       TEXT    REFERENCES curricula (id),
    name                TEXT    NOT NULL COLLATE NOCASE,
    teacher_id          TEXT    NOT NULL REFERENCES users (id),
    assistant_id        TEXT    REFERENCES users (id),
    room_id             TEXT    NOT NULL REFERENCES rooms (id),
    capacity            INTEGER NOT NULL CHECK (capacity > 0),
    start_date          TEXT    NOT NULL,
    end_date            TEXT    NOT NULL,
    schedule            TEXT    NOT NULL,
    fee_minor           INTEGER NOT NULL DEFAULT 0 CHECK (fee_minor >= 0),
    fee_frequency       TEXT    NOT NULL CHECK (fee_frequency IN ('ONE_TIME', 'MONTHLY', 'QUARTERLY')),
    comp_model          TEXT    NOT NULL CHECK (comp_model IN ('FIXED_MONTHLY', 'PER_SESSION', 'PER_STUDENT')),
    comp_amount_minor   INTEGER NOT NULL DEFAULT 0 CHECK (comp_amount_minor >= 0),
    overheads_minor     INTEGER NOT NULL DEFAULT 0 CHECK (overheads_minor >= 0),
    active              INTEGER NOT NULL DEFAULT 1,
    created_at          TEXT    NOT NULL,
    updated_at          TEXT    NOT NULL,
    UNIQUE (branch_id, name)
);

-- One meeting of a batch. Its id is UUIDv5 of (batch, slot_date,
-- slot_start), so two desks generating the same week create one row.
-- `date`/`start_min`/`end_min`/`room_id` are where it actually happens
-- (a reschedule moves them; the slot_* columns never change).
CREATE TABLE class_sessions (
    id                     TEXT PRIMARY KEY,
    branch_id              TEXT    NOT NULL REFERENCES branches (id),
    batch_id               TEXT    NOT NULL REFERENCES batches (id),
    slot_date              TEXT    NOT NULL,
    slot_start             INTEGER NOT NULL,
    date                   TEXT    NOT NULL,
    start_min              INTEGER NOT NULL CHECK (start_min >= 0 AND start_min < 1440),
    end_min                INTEGER NOT NULL CHECK (end_min > start_min AND end_min <= 1440),
    room_id                TEXT    NOT NULL REFERENCES rooms (id),
    teacher_id             TEXT    NOT NULL REFERENCES users (id),
    substitute_teacher_id  TEXT    REFERENCES users (id),
    status                 TEXT    NOT NULL CHECK (status IN ('SCHEDULED', 'CANCELLED')),
    -- Set when moved by hand: a schedule change then leaves it alone.
    moved                  INTEGER NOT NULL DEFAULT 0,
    cancelled_by_event_id  TEXT,
    note                   TEXT    NOT NULL DEFAULT '',
    created_at             TEXT    NOT NULL,
    updated_at             TEXT    NOT NULL
);
CREATE INDEX class_sessions_batch ON class_sessions (batch_id, date);
CREATE INDEX class_sessions_branch_date ON class_sessions (branch_id, date);
CREATE INDEX class_sessions_room_date ON class_sessions (room_id, date);
CREATE INDEX class_sessions_teacher_date ON class_sessions (teacher_id, date);
CREATE INDEX class_sessions_event ON class_sessions (cancelled_by_event_id)
    WHERE cancelled_by_event_id IS NOT NULL;
CREATE INDEX class_sessions_substitute_date ON class_sessions (substitute_teacher_id, date)
    WHERE substitute_teacher_id IS NOT NULL;

-- Holidays, exams and closures. A cancelling event cancels the sessions of
-- its branch (or one batch) in its dates and times; an event with a room
-- books that room like a session does.
CREATE TABLE events (
    id          TEXT PRIMARY KEY,
    branch_id   TEXT    NOT NULL REFERENCES branches (id),
    kind        TEXT    NOT NULL CHECK (kind IN ('HOLIDAY', 'EXAM', 'CLOSURE', 'OTHER')),
    title       TEXT    NOT NULL,
    start_date  TEXT    NOT NULL,
    end_date    TEXT    NOT NULL,
    start_min   INTEGER NOT NULL DEFAULT 0,
    end_min     INTEGER NOT NULL DEFAULT 1440 CHECK (end_min > start_min AND end_min <= 1440),
    room_id     TEXT    REFERENCES rooms (id),
    batch_id    TEXT    REFERENCES batches (id),
    cancels     INTEGER NOT NULL DEFAULT 0,
    deleted_at  TEXT,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);
CREATE INDEX events_branch_dates ON events (branch_id, start_date);
