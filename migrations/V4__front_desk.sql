-- Front desk: students, guardians, enrolments, leads. All synced and
-- branch-scoped. Business uniqueness that offline desks cannot check (a
-- student code, a lead's phone) is not a constraint here: it is checked
-- when a person types it, and a clash two desks make offline is listed for
-- review (possible duplicates) instead of refused.

CREATE TABLE students (
    id             TEXT PRIMARY KEY,
    branch_id      TEXT    NOT NULL REFERENCES branches (id),
    -- From this desk's own series, e.g. K2-7QX-0042.
    code           TEXT    NOT NULL COLLATE NOCASE,
    full_name      TEXT    NOT NULL,
    date_of_birth  TEXT,
    phone          TEXT,
    email          TEXT,
    address        TEXT    NOT NULL DEFAULT '',
    school         TEXT    NOT NULL DEFAULT '',
    grade          TEXT    NOT NULL DEFAULT '',
    notes          TEXT    NOT NULL DEFAULT '',
    -- The STUDENT login tied to this profile, if given one.
    user_id        TEXT    REFERENCES users (id),
    -- A JPEG or PNG of at most 1 MB, base64, so it reaches every desk.
    photo_b64      TEXT,
    lead_id        TEXT,
    archived_at    TEXT,
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL
);
CREATE INDEX students_code ON students (code);
CREATE INDEX students_branch_name ON students (branch_id, full_name);
-- One or two typed letters find names starting with them (search.rs).
CREATE INDEX students_name_nocase ON students (full_name COLLATE NOCASE);
CREATE INDEX students_phone ON students (phone) WHERE phone IS NOT NULL;

-- A parent or guardian; shared between siblings through student_guardians.
CREATE TABLE guardians (
    id          TEXT PRIMARY KEY,
    branch_id   TEXT NOT NULL REFERENCES branches (id),
    full_name   TEXT NOT NULL,
    phone       TEXT,
    email       TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX guardians_phone ON guardians (phone) WHERE phone IS NOT NULL;

-- id = UUIDv5(student, guardian): linking twice, on two desks, is one row.
CREATE TABLE student_guardians (
    id           TEXT PRIMARY KEY,
    branch_id    TEXT    NOT NULL REFERENCES branches (id),
    student_id   TEXT    NOT NULL REFERENCES students (id),
    guardian_id  TEXT    NOT NULL REFERENCES guardians (id),
    relation     TEXT    NOT NULL,
    is_primary   INTEGER NOT NULL DEFAULT 0,
    removed_at   TEXT,
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL
);
CREATE INDEX student_guardians_student ON student_guardians (student_id);
CREATE INDEX student_guardians_guardian ON student_guardians (guardian_id);

-- id = UUIDv5(student, batch): one enrolment of a student in a batch,
-- however many desks enrol them offline. Discount: NONE, PERCENT (basis
-- points) or FIXED (minor units).
CREATE TABLE enrolments (
    id               TEXT PRIMARY KEY,
    branch_id        TEXT    NOT NULL REFERENCES branches (id),
    student_id       TEXT    NOT NULL REFERENCES students (id),
    batch_id         TEXT    NOT NULL REFERENCES batches (id),
    course_id        TEXT    NOT NULL REFERENCES courses (id),
    start_date       TEXT    NOT NULL,
    discount_kind    TEXT    NOT NULL DEFAULT 'NONE' CHECK (discount_kind IN ('NONE', 'PERCENT', 'FIXED')),
    discount_value   INTEGER NOT NULL DEFAULT 0 CHECK (discount_value >= 0),
    discount_reason  TEXT    NOT NULL DEFAULT '',
    status           TEXT    NOT NULL CHECK (status IN ('ACTIVE', 'ON_HOLD', 'COMPLETED', 'DROPPED')),
    status_since     TEXT    NOT NULL,
    certificate_no   TEXT,
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL
);
CREATE INDEX enrolments_student ON enrolments (student_id);
CREATE INDEX enrolments_batch ON enrolments (batch_id, status);

-- Who changed an enrolment's status, when and why. Append-only.
CREATE TABLE enrolment_log (
    id             TEXT PRIMARY KEY,
    branch_id      TEXT NOT NULL REFERENCES branches (id),
    enrolment_id   TEXT NOT NULL REFERENCES enrolments (id),
    from_status    TEXT,
    to_status      TEXT NOT NULL,
    reason         TEXT NOT NULL DEFAULT '',
    changed_by     TEXT REFERENCES users (id),
    changed_at     TEXT NOT NULL
);
CREATE INDEX enrolment_log_enrolment ON enrolment_log (enrolment_id, changed_at);

CREATE TABLE leads (
    id               TEXT PRIMARY KEY,
    branch_id        TEXT    NOT NULL REFERENCES branches (id),
    full_name        TEXT    NOT NULL,
    phone            TEXT,
    email            TEXT,
    guardian_name    TEXT    NOT NULL DEFAULT '',
    guardian_phone   TEXT,
    source           TEXT    NOT NULL DEFAULT '',
    course_id        TEXT    REFERENCES courses (id),
    owner_id         TEXT    REFERENCES users (id),
    status           TEXT    NOT NULL CHECK (status IN ('NEW', 'CONTACTED', 'QUALIFIED', 'NEGOTIATION', 'CONVERTED', 'LOST')),
    lost_reason      TEXT    NOT NULL DEFAULT '',
    next_follow_up   TEXT,
    student_id       TEXT    REFERENCES students (id),
    notes            TEXT    NOT NULL DEFAULT '',
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL
);
CREATE INDEX leads_follow_up ON leads (branch_id, next_follow_up)
    WHERE status NOT IN ('CONVERTED', 'LOST');
CREATE INDEX leads_phone ON leads (phone) WHERE phone IS NOT NULL;

CREATE TABLE lead_activities (
    id          TEXT PRIMARY KEY,
    branch_id   TEXT NOT NULL REFERENCES branches (id),
    lead_id     TEXT NOT NULL REFERENCES leads (id),
    kind        TEXT NOT NULL CHECK (kind IN ('CALL', 'VISIT', 'MESSAGE', 'NOTE')),
    outcome     TEXT NOT NULL DEFAULT '',
    done_by     TEXT REFERENCES users (id),
    done_at     TEXT NOT NULL
);
CREATE INDEX lead_activities_lead ON lead_activities (lead_id, done_at);

-- ------------------------------------------------------------- local
-- Instant search over students: name, code, phone digits and their
-- guardians' phone digits, as trigrams (any three characters in a row
-- match, so "345" finds a phone ending 2345). Derived from the synced
-- tables by the triggers below, so pulled rows are searchable too. Each
-- student's index row has a stable integer key (a VACUUM may renumber a
-- table's implicit rowids, never an INTEGER PRIMARY KEY).
CREATE TABLE student_search_keys (
    k           INTEGER PRIMARY KEY,
    student_id  TEXT NOT NULL UNIQUE
);

CREATE VIRTUAL TABLE student_search USING fts5 (body, tokenize = 'trigram');

CREATE VIEW student_search_source AS
SELECT k.k AS k,
       s.id AS student_id,
       s.full_name || ' | ' || s.code || ' | ' || coalesce(branchdesk_digits(s.phone), '') || ' | ' ||
       coalesce((SELECT group_concat(branchdesk_digits(g.phone), ' ')
                 FROM student_guardians sg JOIN guardians g ON g.id = sg.guardian_id
                 WHERE sg.student_id = s.id AND sg.removed_at IS NULL), '') AS body
FROM students s JOIN student_search_keys k ON k.student_id = s.id;

CREATE TRIGGER student_search_insert AFTER INSERT ON students BEGIN
    INSERT INTO student_search_keys (student_id) VALUES (NEW.id);
    INSERT INTO student_search (rowid, body)
    SELECT k, body FROM student_search_source WHERE student_id = NEW.id;
END;

CREATE TRIGGER student_search_update AFTER UPDATE OF full_name, code, phone ON students BEGIN
    DELETE FROM student_search WHERE rowid = (SELECT k FROM student_search_keys WHERE student_id = NEW.id);
    INSERT INTO student_search (rowid, body)
    SELECT k, body FROM student_search_source WHERE student_id = NEW.id;
END;

CREATE TRIGGER student_search_link AFTER INSERT ON student_guardians BEGIN
    DELETE FROM student_search WHERE rowid = (SELECT k FROM student_search_keys WHERE student_id = NEW.student_id);
    INSERT INTO student_search (rowid, body)
    SELECT k, body FROM student_search_source WHERE student_id = NEW.student_id;
END;

CREATE TRIGGER student_search_relink AFTER UPDATE ON student_guardians BEGIN
    DELETE FROM student_search WHERE rowid = (SELECT k FROM student_search_keys WHERE student_id = NEW.student_id);
    INSERT INTO student_search (rowid, body)
    SELECT k, body FROM student_search_source WHERE student_id = NEW.student_id;
END;

CREATE TRIGGER student_search_guardian AFTER UPDATE OF phone ON guardians BEGIN
    DELETE FROM student_search WHERE rowid IN (
        SELECT k.k FROM student_search_keys k JOIN student_guardians sg ON sg.student_id = k.student_id
        WHERE sg.guardian_id = NEW.id);
    INSERT INTO student_search (rowid, body)
    SELECT k, body FROM student_search_source
    WHERE student_id IN (SELECT student_id FROM student_guardians WHERE guardian_id = NEW.id);
END;
