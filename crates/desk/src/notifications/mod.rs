//! The notification queue: messages to parents drafted by the desk
//! (absence alerts, fee reminders), reviewed by a person, then sent through
//! the guardian's channel (`delivery.rs`, on a desk that sends by itself;
//! `channels.rs`, what it sends through). Nothing goes out unreviewed
//! unless the branch's "send without review" setting says so.

mod channels;
mod consent;
mod delivery;

use crate::students::store as students;
use crate::timetable::store::{self as timetable, SessionRow};
use crate::write::branch_record;
use crate::{settings, Actor, Desk, Result};
use branchdesk_api::commands::attendance::{
    ListNotifications, Notification, NotificationChannel, NotificationKind, NotificationState,
    ReviewNotifications, MESSAGES_PAGE,
};
use branchdesk_api::commands::students::ConsentKind;
use branchdesk_api::ids::{AttendanceId, BranchId, DueId, StudentId, UserId};
use branchdesk_api::settings::AUTO_SEND_ALERTS;
use branchdesk_api::{ApiError, Permission};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row};
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct NotificationRow {
    pub id: Uuid,
    pub branch_id: BranchId,
    pub kind: NotificationKind,
    pub recipient_name: String,
    pub recipient: String,
    pub channel: NotificationChannel,
    pub body: String,
    pub state: NotificationState,
    pub source_id: Option<String>,
    pub student_id: Option<StudentId>,
    pub reviewed_by: Option<UserId>,
    pub sent_at: Option<DateTime<Utc>>,
    pub error: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
branch_record!(NotificationRow, "notifications");

/// An absence alert's id: one per attendance record, however many desks draft it.
pub fn alert_id(attendance: AttendanceId) -> Uuid {
    const NAMESPACE: Uuid = Uuid::from_u128(0x4c8d_1e7a_b2f3_4096_9e1d_73a5_c6b2_08f4);
    Uuid::new_v5(&NAMESPACE, attendance.to_string().as_bytes())
}

const COLUMNS: &str =
    "id, branch_id, kind, recipient_name, recipient, channel, body, state, source_id, student_id,
    reviewed_by, sent_at, error, created_at, updated_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<NotificationRow> {
    crate::db::read::row(r)
}

fn by_id(conn: &Connection, id: Uuid) -> Result<Option<NotificationRow>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM notifications WHERE id = ?1"))?
        .query_row([id.to_string()], from_row)
        .optional()?)
}

/// Messages of `kind` to `guardian` not yet sent (drafted, or approved
/// and not sent or leaving on this desk): what their no withdraws.
pub(crate) fn unsent_to(
    conn: &Connection,
    guardian: &students::GuardianRow,
    kind: ConsentKind,
) -> Result<Vec<NotificationRow>> {
    let kind = match kind {
        ConsentKind::Alerts => NotificationKind::Absence,
        ConsentKind::FeeReminders => NotificationKind::FeeReminder,
        ConsentKind::Promotions => return Ok(Vec::new()),
    };
    let cols = COLUMNS.split(',').map(|c| format!("n.{}", c.trim())).collect::<Vec<_>>().join(", ");
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {cols} FROM notifications n
         JOIN student_guardians l ON l.student_id = n.student_id AND l.guardian_id = ?1 AND l.removed_at IS NULL
         WHERE n.kind = ?2 AND n.state IN ('DRAFT', 'APPROVED') AND n.recipient IN (?3, ?4)
           AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.notification_id = n.id AND d.state IN ('SENT', 'SENDING'))"
    ))?;
    let rows = stmt.query_map(
        (
            guardian.id.to_string(),
            kind.as_str(),
            guardian.phone.clone().unwrap_or_default(),
            guardian.email.clone().unwrap_or_default(),
        ),
        from_row,
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Withdraws `rows` (discarded, saying why) inside the caller's write.
pub(crate) fn withdraw(w: &mut crate::write::Write<'_>, rows: &[NotificationRow], why: &str) -> Result<()> {
    for n in rows {
        let gone = NotificationRow {
            state: NotificationState::Discarded,
            error: why.to_owned(),
            updated_at: w.now(),
            ..n.clone()
        };
        w.update(n, &gone)?;
        w.tx().execute("DELETE FROM deliveries WHERE notification_id = ?1", [n.id.to_string()])?;
    }
    Ok(())
}

/// A student newly marked absent: the attendance row (each alert's source)
/// and who was absent.
pub(crate) struct Absence {
    pub attendance_id: AttendanceId,
    pub student_id: StudentId,
}

/// Drafts for the primary guardian of each newly absent student (those
/// whose guardians have neither phone nor email get none). Existing drafts are not doubled.
pub(crate) fn absence_alerts(
    conn: &Connection,
    s: &SessionRow,
    absent: &[Absence],
    now: DateTime<Utc>,
) -> Result<Vec<NotificationRow>> {
    if absent.is_empty() {
        return Ok(Vec::new());
    }
    let branch = s.branch_id;
    let auto = settings::effective_flag(conn, AUTO_SEND_ALERTS, Some(branch))?;
    let batch = timetable::batch_by_id(conn, s.batch_id)?.map(|b| b.name).unwrap_or_default();
    let branch_name = crate::org::store::branch_by_id(conn, branch)?.map(|b| b.name).unwrap_or_default();
    let mut out = Vec::new();
    for a in absent {
        let id = alert_id(a.attendance_id);
        if by_id(conn, id)?.is_some() {
            continue;
        }
        let Some(student) = students::student_by_id(conn, a.student_id)? else { continue };
        let Some(g) = guardian_to_tell(conn, student.id, Some(ConsentKind::Alerts))? else { continue };
        let body = format!(
            "Dear {}, {} was absent from {} on {}. Please call us if this is unexpected. – {}",
            g.0.full_name,
            student.full_name,
            batch,
            s.date.format("%-d %b %Y"),
            branch_name
        );
        let draft = Draft {
            id,
            branch,
            kind: NotificationKind::Absence,
            source: a.attendance_id.to_string(),
            auto,
            now,
        };
        out.push(draft.to(&g, student.id, body));
    }
    Ok(out)
}

/// The primary (else first) guardian of a student who agreed to messages
/// of `kind` and that a message can reach, with the channel and address:
/// their preferred channel when they have its address, else SMS to their
/// phone, else email.
fn guardian_to_tell(
    conn: &Connection,
    student: StudentId,
    kind: Option<ConsentKind>,
) -> Result<Option<(students::GuardianRow, NotificationChannel, String)>> {
    for link in students::links_of_student(conn, student)? {
        let Some(g) = students::guardian_by_id(conn, link.guardian_id)? else { continue };
        if kind.is_some_and(|k| !g.agreed(k)) {
            continue;
        }
        if let Some((channel, address)) = channel_for(&g) {
            return Ok(Some((g, channel, address)));
        }
    }
    Ok(None)
}

/// How a guardian is reached: by preference where possible.
fn channel_for(g: &students::GuardianRow) -> Option<(NotificationChannel, String)> {
    let address = |c: NotificationChannel| match c {
        NotificationChannel::Email => g.email.clone(),
        NotificationChannel::Sms | NotificationChannel::WhatsApp => g.phone.clone(),
    };
    let preferred = g.preferred_channel.into_iter();
    preferred
        .chain([NotificationChannel::Sms, NotificationChannel::Email])
        .find_map(|c| address(c).map(|a| (c, a)))
}

/// A message to the student's first guardian who can be reached, for the
/// queue: drafted, or approved where the branch sends without review.
/// `body` writes it for the channel it goes by. None: nobody to reach.
/// (No consent kind applies: what it carries is the service itself, a
/// report card, not an alert or an offer.)
pub(crate) fn draft_to_guardian(
    conn: &Connection,
    (id, branch, student): (Uuid, BranchId, StudentId),
    (kind, source): (NotificationKind, String),
    now: DateTime<Utc>,
    body: impl FnOnce(NotificationChannel) -> String,
) -> Result<Option<NotificationRow>> {
    let Some(g) = guardian_to_tell(conn, student, None)? else { return Ok(None) };
    let auto = settings::effective_flag(conn, AUTO_SEND_ALERTS, Some(branch))?;
    let text = body(g.1);
    Ok(Some(Draft { id, branch, kind, source, auto, now }.to(&g, student, text)))
}

/// A message as held, by id.
pub(crate) fn notification(conn: &Connection, id: Uuid) -> Result<Option<NotificationRow>> {
    by_id(conn, id)
}

/// What every drafted message shares.
struct Draft {
    id: Uuid,
    branch: BranchId,
    kind: NotificationKind,
    source: String,
    /// The branch sends without review.
    auto: bool,
    now: DateTime<Utc>,
}

impl Draft {
    fn to(
        self,
        (g, channel, recipient): &(students::GuardianRow, NotificationChannel, String),
        student: StudentId,
        body: String,
    ) -> NotificationRow {
        NotificationRow {
            id: self.id,
            branch_id: self.branch,
            kind: self.kind,
            recipient_name: g.full_name.clone(),
            recipient: recipient.clone(),
            channel: *channel,
            body,
            state: if self.auto { NotificationState::Approved } else { NotificationState::Draft },
            source_id: Some(self.source),
            student_id: Some(student),
            reviewed_by: None,
            sent_at: None,
            error: String::new(),
            created_at: self.now,
            updated_at: self.now,
        }
    }
}

/// A fee reminder's id: one per due and day, however many desks draft it
/// (a due still open next week can be reminded again).
pub fn reminder_id(due: DueId, on: chrono::NaiveDate) -> Uuid {
    const NAMESPACE: Uuid = Uuid::from_u128(0x2e9b_6f14_d8a3_4c57_81f0_5ab2_c4e6_9d07);
    Uuid::new_v5(&NAMESPACE, format!("{due}\u{0}{on}").as_bytes())
}

/// Fills the branch's reminder template: {guardian}, {student}, {amount},
/// {due_on}, {for}, {branch}.
pub fn fill_template(template: &str, fields: &[(&str, &str)]) -> String {
    fields.iter().fold(template.to_owned(), |text, (name, value)| text.replace(&format!("{{{name}}}"), value))
}

impl Desk {
    /// Drafts a reminder to the parent for every open due in the window (one
    /// per due and day; dues of students without a parent's phone get none),
    /// into the queue the Messages page reviews. Answers how many it drafted.
    pub fn draft_fee_reminders(
        &self,
        actor: &Actor,
        input: branchdesk_api::commands::money::DraftFeeReminders,
    ) -> Result<u32> {
        actor.require(Permission::ReviewNotification, Some(input.branch_id))?;
        let lines = self.list_dues(
            actor,
            branchdesk_api::commands::money::ListDues { branch_id: input.branch_id, window: input.window },
        )?;
        let today = self.today();
        let now = self.clock().now();
        let drafts = {
            let db = self.db();
            let conn = &db.conn;
            let branch = Some(input.branch_id);
            let auto = settings::effective_flag(conn, AUTO_SEND_ALERTS, branch)?;
            let template =
                settings::effective_text(conn, branchdesk_api::settings::REMINDER_TEMPLATE, branch)?;
            let branch_name =
                crate::org::store::branch_by_id(conn, input.branch_id)?.map(|b| b.name).unwrap_or_default();
            let mut out = Vec::new();
            for line in &lines {
                let id = reminder_id(line.due.id, today);
                if by_id(conn, id)?.is_some() {
                    continue;
                }
                let Some(g) = guardian_to_tell(conn, line.student_id, Some(ConsentKind::FeeReminders))?
                else {
                    continue;
                };
                let amount = branchdesk_api::amount::format(line.due.amount_minor - line.due.paid_minor);
                let body = fill_template(
                    &template,
                    &[
                        ("guardian", &g.0.full_name),
                        ("student", &line.student_name),
                        ("amount", &amount),
                        ("due_on", &line.due.due_on),
                        ("for", &line.due.description),
                        ("branch", &branch_name),
                    ],
                );
                let draft = Draft {
                    id,
                    branch: input.branch_id,
                    kind: NotificationKind::FeeReminder,
                    source: line.due.id.to_string(),
                    auto,
                    now,
                };
                out.push(draft.to(&g, line.student_id, body));
            }
            out
        };
        self.write(Some(actor.user_id), |w| drafts.iter().try_for_each(|d| w.insert(d)))?;
        Ok(drafts.len() as u32)
    }

    /// A branch's messages in one state, newest first, a page
    /// ([`MESSAGES_PAGE`]) at a time. On a desk that sends by itself, an
    /// approved message shows as sent or failed once its delivery says so.
    pub fn list_notifications(&self, actor: &Actor, input: ListNotifications) -> Result<Vec<Notification>> {
        actor.require(Permission::ReviewNotification, Some(input.branch_id))?;
        let (before_at, before_id) = match input.older_than.split_once('|') {
            Some((at, id)) if Uuid::parse_str(id).is_ok() => (at.to_owned(), id.to_owned()),
            None if input.older_than.is_empty() => ("~".to_owned(), String::new()),
            _ => {
                return Err(
                    ApiError::invalid("older_than", "Reload the list: this page no longer exists.").into()
                )
            }
        };
        // Each part is one range of the (branch, state, created_at) index,
        // read newest first: never a sort of every message in a state.
        let parts: &[(&str, &str)] = match input.state {
            NotificationState::Approved => {
                &[("APPROVED", "(d.state IS NULL OR d.state IN ('SENDING', 'RETRY'))")]
            }
            NotificationState::Sent => &[("SENT", "1"), ("APPROVED", "d.state = 'SENT'")],
            NotificationState::Failed => &[("FAILED", "1"), ("APPROVED", "d.state = 'FAILED'")],
            NotificationState::Draft => &[("DRAFT", "1")],
            NotificationState::Discarded => &[("DISCARDED", "1")],
        };
        let db = self.db();
        let columns = COLUMNS.split(',').map(|c| format!("n.{}", c.trim())).collect::<Vec<_>>().join(", ");
        struct Listed {
            n: NotificationRow,
            stored_at: String,
            delivery: Option<String>,
            attempts: u32,
            error: String,
            next: Option<String>,
            delivered_at: Option<String>,
        }
        let mut rows: Vec<Listed> = Vec::new();
        for (state, delivered) in parts {
            let mut stmt = db.conn.prepare_cached(&format!(
                "SELECT {columns}, n.created_at AS stored_at, d.state AS delivery,
                        coalesce(d.attempts, 0) AS attempts, coalesce(d.error, '') AS delivery_error,
                        d.next_attempt_at, d.updated_at AS delivered_at
                 FROM notifications n LEFT JOIN deliveries d ON d.notification_id = n.id
                 WHERE n.branch_id = ?1 AND n.state = '{state}' AND {delivered}
                   AND (n.created_at < ?2 OR (n.created_at = ?2 AND n.id < ?3))
                 ORDER BY n.created_at DESC, n.id DESC LIMIT {MESSAGES_PAGE}"
            ))?;
            let part = stmt.query_map((input.branch_id.to_string(), &before_at, &before_id), |r| {
                Ok(Listed {
                    n: from_row(r)?,
                    stored_at: r.get("stored_at")?,
                    delivery: r.get("delivery")?,
                    attempts: r.get("attempts")?,
                    error: r.get("delivery_error")?,
                    next: r.get("next_attempt_at")?,
                    delivered_at: r.get("delivered_at")?,
                })
            })?;
            for row in part {
                rows.push(row?);
            }
        }
        rows.sort_by(|a, b| (&b.stored_at, b.n.id).cmp(&(&a.stored_at, a.n.id)));
        rows.truncate(MESSAGES_PAGE);
        let mut out = Vec::new();
        for Listed { n, stored_at, delivery, attempts, error, next, delivered_at } in rows {
            let student_name = match n.student_id {
                Some(s) => students::student_by_id(&db.conn, s)?.map(|s| s.full_name),
                None => None,
            };
            let (state, when) = match (n.state, delivery.as_deref()) {
                (NotificationState::Approved, Some("SENT")) => (NotificationState::Sent, delivered_at),
                (NotificationState::Approved, Some("FAILED")) => (NotificationState::Failed, delivered_at),
                (NotificationState::Approved, Some("RETRY")) => (NotificationState::Approved, next),
                (state, _) => (state, n.sent_at.map(|t| t.to_rfc3339())),
            };
            out.push(Notification {
                id: n.id,
                kind: n.kind.as_str().into(),
                recipient_name: n.recipient_name,
                recipient: n.recipient,
                channel: n.channel.as_str().into(),
                body: n.body,
                state,
                student_name,
                created_at: n.created_at.to_rfc3339(),
                error: if error.is_empty() { n.error } else { error },
                attempts,
                when,
                cursor: format!("{stored_at}|{}", n.id),
            });
        }
        Ok(out)
    }

    /// Approves (to be sent) or discards drafts, all in one action.
    pub fn review_notifications(&self, actor: &Actor, input: ReviewNotifications) -> Result<u32> {
        actor.require_somewhere(Permission::ReviewNotification)?;
        if input.ids.is_empty() {
            return Err(ApiError::invalid("ids", "Choose the messages to review.").into());
        }
        let rows = {
            let db = self.db();
            let mut rows = Vec::new();
            for (i, id) in input.ids.iter().enumerate() {
                let n = by_id(&db.conn, *id)?
                    .ok_or_else(|| ApiError::not_found("message").on(&format!("ids[{i}]")))?;
                actor.require(Permission::ReviewNotification, Some(n.branch_id))?;
                if n.state != NotificationState::Draft {
                    return Err(ApiError::conflict(
                        "One of these messages was already reviewed; reload the list.",
                    )
                    .on(&format!("ids[{i}]"))
                    .into());
                }
                rows.push(n);
            }
            rows
        };
        let now = self.clock().now();
        let state = if input.approve { NotificationState::Approved } else { NotificationState::Discarded };
        self.write(Some(actor.user_id), |w| {
            for n in &rows {
                w.update(
                    n,
                    &NotificationRow {
                        state,
                        reviewed_by: Some(actor.user_id),
                        updated_at: now,
                        ..n.clone()
                    },
                )?;
            }
            Ok(())
        })?;
        Ok(rows.len() as u32)
    }
}
