//! Students and guardians: admit, edit, archive, link siblings' parents,
//! find possible duplicates, merge on the clerk's word, instant search.

pub mod duplicates;
pub(crate) mod guardians;
pub(crate) mod roster;
pub mod search;
pub mod store;
pub mod transfer;

pub use duplicates::phone_key;
pub(crate) use duplicates::possible_duplicates;

use crate::validate::parse_date;
use crate::write::Write;
use crate::{settings, validate, Actor, Desk, Result};
use branchdesk_api::commands::attendance::NotificationChannel;
use branchdesk_api::commands::students::*;
use branchdesk_api::ids::{BranchId, GuardianId, StudentId, UserId};
use branchdesk_api::{ApiError, Permission};
use chrono::{Datelike, NaiveDate};
use rusqlite::{Connection, OptionalExtension};
use store::{GuardianRow, LinkRow, StudentRow};
use uuid::Uuid;

pub const NAME_MAX: usize = 100;

/// Three characters naming this desk in the codes it hands out (from its
/// device id), so two desks' series never meet.
pub fn desk_tag(device_id: &str) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let digits: String = device_id.chars().filter(char::is_ascii_hexdigit).collect();
    let tail = &digits[digits.len().saturating_sub(12)..];
    let mut n = u64::from_str_radix(tail, 16).unwrap_or(0);
    let mut out = String::new();
    for _ in 0..3 {
        out.push(ALPHABET[(n % 32) as usize] as char);
        n /= 32;
    }
    out
}

fn student_code(field: &str, value: &str) -> Result<String, ApiError> {
    let v = value.trim().to_uppercase();
    if v.is_empty() || v.len() > 20 || !v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '/') {
        return Err(ApiError::invalid(field, "Use up to 20 letters, digits, - or /, e.g. K2-7QX-0042."));
    }
    Ok(v)
}

pub(crate) fn summary(conn: &Connection, s: &StudentRow) -> Result<StudentSummary> {
    let guardian_phone = store::first_guardian_phone(conn, s.id)?;
    Ok(StudentSummary {
        id: s.id,
        branch_id: s.branch_id,
        code: s.code.clone(),
        full_name: s.full_name.clone(),
        phone: s.phone.clone(),
        guardian_phone,
        archived: s.archived_at.is_some(),
    })
}

pub(crate) fn view(conn: &Connection, s: &StudentRow) -> Result<Student> {
    let mut guardians = Vec::new();
    for link in store::links_of_student(conn, s.id)? {
        let Some(g) = store::guardian_by_id(conn, link.guardian_id)? else { continue };
        let mut other_students = Vec::new();
        for other in store::links_of_guardian(conn, g.id)?.iter().filter(|l| l.student_id != s.id) {
            if let Some(row) = store::student_by_id(conn, other.student_id)? {
                other_students.push(summary(conn, &row)?);
            }
        }
        guardians.push(Guardian {
            id: g.id,
            full_name: g.full_name,
            phone: g.phone,
            email: g.email,
            preferred_channel: g.preferred_channel,
            relation: link.relation,
            is_primary: link.is_primary,
            other_students,
            alerts_ok: g.alerts_ok,
            fee_reminders_ok: g.fee_reminders_ok,
            promotions_ok: g.promotions_ok,
        });
    }
    Ok(Student {
        id: s.id,
        branch_id: s.branch_id,
        code: s.code.clone(),
        full_name: s.full_name.clone(),
        date_of_birth: s.date_of_birth.map(|d| d.to_string()),
        phone: s.phone.clone(),
        email: s.email.clone(),
        address: s.address.clone(),
        school: s.school.clone(),
        grade: s.grade.clone(),
        notes: s.notes.clone(),
        archived: s.archived_at.is_some(),
        has_login: s.user_id.is_some(),
        photo: s.photo_b64.as_deref().map(crate::validate::picture_url),
        guardians,
    })
}

/// A guardian to link, checked: an existing row or a new one.
pub(crate) enum GuardianPlan {
    Existing(GuardianRow, String, bool),
    New(GuardianRow, String, bool),
}

impl GuardianPlan {
    pub(crate) fn row(&self) -> &GuardianRow {
        match self {
            GuardianPlan::Existing(g, ..) | GuardianPlan::New(g, ..) => g,
        }
    }
}

pub(crate) fn check_guardian(
    conn: &Connection,
    field: &str,
    g: &GuardianInput,
    branch: BranchId,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<GuardianPlan> {
    let relation =
        validate::required(&format!("{field}.relation"), "relation (e.g. Mother)", &g.relation, 30)?;
    if let Some(id) = g.guardian_id {
        let mut row = guardians::existing(conn, &format!("{field}.guardian_id"), id, branch)?;
        if g.preferred_channel.is_some() {
            row.preferred_channel = g.preferred_channel;
            reachable(field, &row)?;
        }
        return Ok(GuardianPlan::Existing(row, relation, g.is_primary));
    }
    let full_name =
        validate::required(&format!("{field}.full_name"), "guardian's name", &g.full_name, NAME_MAX)?;
    let phone = validate::phone(&format!("{field}.phone"), &g.phone)?;
    let email = if g.email.trim().is_empty() {
        None
    } else {
        Some(validate::email(&format!("{field}.email"), &g.email)?)
    };
    if phone.is_none() && email.is_none() {
        return Err(ApiError::invalid(
            &format!("{field}.phone"),
            "Enter the guardian's phone (or email) to reach them.",
        )
        .into());
    }
    let row = GuardianRow {
        id: GuardianId(Uuid::now_v7()),
        branch_id: branch,
        full_name,
        phone,
        email,
        preferred_channel: g.preferred_channel,
        alerts_ok: true,
        fee_reminders_ok: true,
        promotions_ok: false,
        created_at: now,
        updated_at: now,
    };
    reachable(field, &row)?;
    Ok(GuardianPlan::New(row, relation, g.is_primary))
}

/// A guardian's preferred channel needs the address it sends to.
fn reachable(field: &str, g: &GuardianRow) -> Result<()> {
    let missing = match g.preferred_channel {
        Some(NotificationChannel::Email) if g.email.is_none() => {
            "Enter the guardian's email to send them email."
        }
        Some(NotificationChannel::Sms | NotificationChannel::WhatsApp) if g.phone.is_none() => {
            "Enter the guardian's phone to send them SMS or WhatsApp."
        }
        _ => return Ok(()),
    };
    Err(ApiError::invalid(&format!("{field}.preferred_channel"), missing).into())
}

/// Writes a guardian plan for `student`: the guardian when new (or the
/// email a matched one gains, `guardians::reuse_same`), and the link.
pub(crate) fn write_guardian(w: &mut Write<'_>, student: &StudentRow, plan: &GuardianPlan) -> Result<()> {
    let (row, relation, primary) = match plan {
        GuardianPlan::Existing(g, r, p) => {
            if let Some(old) = store::guardian_by_id(w.tx(), g.id)? {
                let email = old.email.clone().or_else(|| g.email.clone());
                let preferred_channel = g.preferred_channel.or(old.preferred_channel);
                if email != old.email || preferred_channel != old.preferred_channel {
                    let new = GuardianRow { email, preferred_channel, updated_at: w.now(), ..old.clone() };
                    w.update(&old, &new)?;
                }
            }
            (g, r, *p)
        }
        GuardianPlan::New(g, r, p) => {
            w.insert(g)?;
            (g, r, *p)
        }
    };
    let id = store::link_id(student.id, row.id);
    let now = w.now();
    let link = LinkRow {
        id,
        branch_id: student.branch_id,
        student_id: student.id,
        guardian_id: row.id,
        relation: relation.clone(),
        is_primary: primary,
        removed_at: None,
        created_at: now,
        updated_at: now,
    };
    let old = store::link_by_id(w.tx(), id)?;
    match old {
        Some(old) => {
            let new = LinkRow { created_at: old.created_at, ..link };
            w.update(&old, &new)?;
        }
        None => w.insert(&link)?,
    }
    Ok(())
}

/// The profile fields of a save, checked.
pub(crate) struct Profile {
    pub full_name: String,
    pub date_of_birth: Option<NaiveDate>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: String,
    pub school: String,
    pub grade: String,
    pub notes: String,
}

pub(crate) fn check_profile(input: &SaveStudent, today: NaiveDate) -> Result<Profile, ApiError> {
    let full_name = validate::required("full_name", "student's name", &input.full_name, NAME_MAX)?;
    let date_of_birth = if input.date_of_birth.trim().is_empty() {
        None
    } else {
        let d = parse_date("date_of_birth", &input.date_of_birth)?;
        if d > today {
            return Err(ApiError::invalid("date_of_birth", "The date of birth cannot be in the future."));
        }
        if today.year() - d.year() > 100 {
            return Err(ApiError::invalid("date_of_birth", "Check the year of birth."));
        }
        Some(d)
    };
    Ok(Profile {
        full_name,
        date_of_birth,
        phone: validate::phone("phone", &input.phone)?,
        email: if input.email.trim().is_empty() {
            None
        } else {
            Some(validate::email("email", &input.email)?)
        },
        address: validate::optional("address", &input.address, 300)?,
        school: validate::optional("school", &input.school, 100)?,
        grade: validate::optional("grade", &input.grade, 30)?,
        notes: validate::optional("notes", &input.notes, 2000)?,
    })
}

/// Whole years between `born` and `today`.
pub fn age(born: NaiveDate, today: NaiveDate) -> i32 {
    let mut years = today.year() - born.year();
    if (today.month(), today.day()) < (born.month(), born.day()) {
        years -= 1;
    }
    years
}

impl Desk {
    /// The next code of this desk's series in `branch`, e.g. K2-7QX-0042.
    fn next_student_code(&self, conn: &Connection, branch: BranchId) -> Result<String> {
        let code =
            crate::org::store::branch_by_id(conn, branch)?.map(|b| b.code).unwrap_or_else(|| "S".into());
        let prefix = format!("{code}-{}-", desk_tag(self.device_id()));
        Ok(format!("{prefix}{:04}", store::last_in_series(conn, &prefix)? + 1))
    }

    /// The student `id` (named `field` in the input), when `actor` holds
    /// `p` in the student's branch.
    pub(crate) fn student_for(
        &self,
        actor: &Actor,
        field: &str,
        id: StudentId,
        p: Permission,
    ) -> Result<StudentRow> {
        actor.require_somewhere(p)?;
        let row = store::student_by_id(&self.db().conn, id)?
            .ok_or_else(|| ApiError::not_found("student").on(field))?;
        actor.require(p, Some(row.branch_id))?;
        Ok(row)
    }

    pub fn save_student(&self, actor: &Actor, input: SaveStudent) -> Result<StudentSaved> {
        actor.require(Permission::ManageStudent, Some(input.branch_id))?;
        let today = self.today();
        let profile = check_profile(&input, today)?;
        let now = self.clock().now();
        let db = self.db();
        let conn = &db.conn;
        crate::org::store::branch_by_id(conn, input.branch_id)?
            .ok_or_else(|| ApiError::invalid("branch_id", "Choose a branch from the list."))?;
        let old = match input.id {
            Some(id) => {
                let old =
                    store::student_by_id(conn, id)?.ok_or_else(|| ApiError::not_found("student").on("id"))?;
                if old.branch_id != input.branch_id {
                    return Err(
                        ApiError::invalid("branch_id", "A student changes branch by a transfer.").into()
                    );
                }
                Some(old)
            }
            None => None,
        };
        let code = if input.code.trim().is_empty() {
            match &old {
                Some(o) => o.code.clone(),
                None => self.next_student_code(conn, input.branch_id)?,
            }
        } else {
            student_code("code", &input.code)?
        };
        if store::students_with_code(conn, &code)?.iter().any(|s| Some(s.id) != old.as_ref().map(|o| o.id)) {
            return Err(
                ApiError::duplicate("code", format!("Another student already has the code {code}.")).into()
            );
        }
        let mut plans = Vec::new();
        if old.is_none() {
            for (i, g) in input.guardians.iter().enumerate() {
                let plan = check_guardian(conn, &format!("guardians[{i}]"), g, input.branch_id, now)?;
                plans.push(guardians::reuse_same(conn, plan)?);
            }
            let under = settings::effective_int(
                conn,
                branchdesk_api::settings::GUARDIAN_REQUIRED_UNDER,
                Some(input.branch_id),
            )?;
            if let Some(born) = profile.date_of_birth {
                if plans.is_empty() && i64::from(age(born, today)) < under {
                    return Err(ApiError::invalid(
                        "guardians",
                        format!("A student under {under} needs a parent or guardian; add one with a phone number."),
                    )
                    .into());
                }
            }
        }
        let mut phones: Vec<String> = profile.phone.iter().cloned().collect();
        phones.extend(plans.iter().filter_map(|p| p.row().phone.clone()));
        let duplicates = possible_duplicates(conn, &profile.full_name, &phones, old.as_ref().map(|s| s.id))?;
        drop(db);
        let row = StudentRow {
            id: old.as_ref().map_or_else(|| StudentId(Uuid::now_v7()), |o| o.id),
            branch_id: input.branch_id,
            code,
            full_name: profile.full_name,
            date_of_birth: profile.date_of_birth,
            phone: profile.phone,
            email: profile.email,
            address: profile.address,
            school: profile.school,
            grade: profile.grade,
            notes: profile.notes,
            user_id: old.as_ref().and_then(|o| o.user_id),
            photo_b64: old.as_ref().and_then(|o| o.photo_b64.clone()),
            lead_id: old.as_ref().and_then(|o| o.lead_id),
            archived_at: old.as_ref().and_then(|o| o.archived_at),
            created_at: old.as_ref().map(|o| o.created_at).unwrap_or(now),
            updated_at: now,
        };
        self.write(Some(actor.user_id), |w| {
            w.upsert(old.as_ref(), &row)?;
            for p in &plans {
                write_guardian(w, &row, p)?;
            }
            Ok(())
        })?;
        let db = self.db();
        Ok(StudentSaved { student: view(&db.conn, &row)?, possible_duplicates: duplicates })
    }

    pub fn set_student_archived(&self, actor: &Actor, input: SetStudentArchived) -> Result<Student> {
        let old = self.student_for(actor, "id", input.id, Permission::ManageStudent)?;
        let now = self.clock().now();
        let new = StudentRow { archived_at: input.archived.then_some(now), updated_at: now, ..old.clone() };
        self.write(Some(actor.user_id), |w| w.update(&old, &new).map(|_| ()))?;
        view(&self.db().conn, &new)
    }

    pub fn link_guardian(&self, actor: &Actor, input: LinkGuardian) -> Result<Student> {
        let student = self.student_for(actor, "student_id", input.student_id, Permission::ManageStudent)?;
        let plan = {
            let db = self.db();
            let plan =
                check_guardian(&db.conn, "guardian", &input.guardian, student.branch_id, self.clock().now())?;
            guardians::reuse_same(&db.conn, plan)?
        };
        self.write(Some(actor.user_id), |w| write_guardian(w, &student, &plan))?;
        view(&self.db().conn, &student)
    }

    pub fn unlink_guardian(&self, actor: &Actor, input: UnlinkGuardian) -> Result<Student> {
        let student = self.student_for(actor, "student_id", input.student_id, Permission::ManageStudent)?;
        let old = store::link_by_id(&self.db().conn, store::link_id(student.id, input.guardian_id))?
            .filter(|l| l.removed_at.is_none())
            .ok_or_else(|| ApiError::not_found("guardian").on("guardian_id"))?;
        let now = self.clock().now();
        let new = LinkRow { removed_at: Some(now), updated_at: now, ..old.clone() };
        self.write(Some(actor.user_id), |w| w.update(&old, &new).map(|_| ()))?;
        view(&self.db().conn, &student)
    }

    pub fn get_student(&self, actor: &Actor, input: GetStudent) -> Result<StudentDetail> {
        actor.require_somewhere(Permission::ViewStudent)?;
        let db = self.db();
        let row = store::student_by_id(&db.conn, input.id)?
            .ok_or_else(|| ApiError::not_found("student").on("id"))?;
        let viewer = transfer::viewable_in(&db.conn, actor, Permission::ViewStudent, &row)?;
        let student = view(&db.conn, &row)?;
        let mut phones: Vec<String> = row.phone.iter().cloned().collect();
        phones.extend(student.guardians.iter().filter_map(|g| g.phone.clone()));
        Ok(StudentDetail {
            enrolments: roster::of_student(&db.conn, row.id)?,
            possible_duplicates: possible_duplicates(&db.conn, &row.full_name, &phones, Some(row.id))?
                .into_iter()
                .chain(
                    store::students_with_code(&db.conn, &row.code)?
                        .iter()
                        .filter(|s| s.id != row.id)
                        .map(|s| summary(&db.conn, s))
                        .collect::<Result<Vec<_>>>()?,
                )
                .collect(),
            earlier_branches: transfer::earlier_branches(&db.conn, &row)?,
            moved_away: transfer::moved_away_note(&db.conn, &row, &viewer)?,
            student,
        })
    }

    pub fn list_students(&self, actor: &Actor, input: ListStudents) -> Result<Vec<StudentSummary>> {
        actor.require(Permission::ViewStudent, Some(input.branch_id))?;
        let db = self.db();
        store::students_of_branch(&db.conn, input.branch_id, input.include_archived)?
            .iter()
            .map(|s| summary(&db.conn, s))
            .collect()
    }
}

impl Desk {
    pub fn give_student_login(&self, actor: &Actor, input: GiveStudentLogin) -> Result<Student> {
        let student = self.student_for(actor, "student_id", input.student_id, Permission::ManageStudent)?;
        let branch = student.branch_id;
        // An account is created: the server checks "manage users" for it.
        actor.require(Permission::ManageUser, Some(branch))?;
        if student.user_id.is_some() {
            return Err(ApiError::conflict("This student can already sign in.").on("student_id").into());
        }
        if student.archived_at.is_some() {
            return Err(
                ApiError::invalid("student_id", "Restore the student before giving them a sign-in.").into()
            );
        }
        let email = validate::email("email", &input.email)?;
        crate::password::check_strength("password", &input.password, &[&student.full_name, &email])?;
        let role = {
            let db = self.db();
            if crate::users::store::by_email(&db.conn, &email)?.is_some() {
                return Err(ApiError::duplicate("email", "Another user already has this email.").into());
            }
            crate::roles::store::live_by_name(&db.conn, "STUDENT")?.ok_or_else(|| {
                ApiError::conflict("The STUDENT role is missing; an administrator can recreate it.")
            })?
        };
        let user = UserId(Uuid::now_v7());
        let creds = crate::keys::credentials(user, &input.password)?;
        let grant = branchdesk_api::commands::users::NewGrant {
            role_id: role.id,
            branch_id: Some(branch),
            expires_on: None,
        };
        let now = self.clock().now();
        let new = StudentRow { user_id: Some(user), updated_at: now, ..student.clone() };
        self.write(Some(actor.user_id), |w| {
            let account = (student.full_name.clone(), email.clone(), student.phone.clone());
            crate::users::insert_account(w, user, account, creds, &[grant], actor.user_id)?;
            w.update(&student, &new).map(|_| ())
        })?;
        view(&self.db().conn, &new)
    }
}

/// The student signed in as `actor`, if their account is tied to one.
pub(crate) fn own_student(conn: &Connection, actor: &Actor) -> Result<StudentRow> {
    let id: Option<String> = conn
        .prepare_cached("SELECT id FROM students WHERE user_id = ?1")?
        .query_row([actor.user_id.to_string()], crate::db::read::value)
        .optional()?;
    match id.and_then(|i| i.parse::<Uuid>().ok()) {
        Some(id) => Ok(store::student_by_id(conn, StudentId(id))?
            .ok_or_else(|| ApiError::not_found("student profile"))?),
        None => Err(ApiError::not_found("student profile for this sign-in").into()),
    }
}

impl Desk {
    pub fn set_student_photo(&self, actor: &Actor, input: SetStudentPhoto) -> Result<Student> {
        let old = self.student_for(actor, "student_id", input.student_id, Permission::ManageStudent)?;
        let photo = crate::validate::picture("photo_b64", &input.photo_b64, MAX_PHOTO_BYTES)?;
        let new = StudentRow { photo_b64: photo, updated_at: self.clock().now(), ..old.clone() };
        self.write(Some(actor.user_id), |w| w.update(&old, &new).map(|_| ()))?;
        view(&self.db().conn, &new)
    }
}
