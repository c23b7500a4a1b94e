//! Messages leaving a desk of its own: the guardian's channel, the mail
//! settings and their secret, what is due, and what became of each message
//! (sent once, tried again with growing waits, failed with the reason,
//! corrected and resent; a desk cut off mid-send asks rather than resends).
//! The providers themselves are tested in `branchdesk-send`.

mod common;

use branchdesk_api::commands::attendance::*;
use branchdesk_api::commands::channels::*;
use branchdesk_api::commands::students::*;
use branchdesk_api::delivery::Outcome;
use branchdesk_api::ErrorCode;
use common::class::{class, mark, Class};
use common::{admit, api, fixture};

const PASSWORD: &str = "mail-Password-93";

fn mail_settings() -> SaveEmailChannel {
    SaveEmailChannel {
        email: EmailChannel {
            host: "smtp.example.com".into(),
            port: 587,
            security: EmailSecurity::StartTls,
            username: "office@example.com".into(),
            password: PASSWORD.into(),
            from_address: "office@example.com".into(),
            from_name: "Kiran Coaching".into(),
        },
    }
}

/// Vikram (whose guardian has only an email) marked absent today; the
/// alert is drafted, and approved when `approve`.
fn absent_vikram(c: &Class, approve: bool) -> uuid::Uuid {
    let marks = vec![mark(c.students[1], AttendanceStatus::Absent, "")];
    c.f.desk
        .save_marks(&c.teacher, SaveMarks { session_id: c.sessions[0], marks, ..Default::default() })
        .unwrap();
    let id = listed(c, NotificationState::Draft)[0].id;
    if approve {
        c.f.desk
            .review_notifications(&c.f.director, ReviewNotifications { ids: vec![id], approve: true })
            .unwrap();
    }
    id
}

fn listed(c: &Class, state: NotificationState) -> Vec<Notification> {
    c.f.desk
        .list_notifications(
            &c.f.director,
            ListNotifications { branch_id: c.f.branch, state, ..Default::default() },
        )
        .unwrap()
}

#[test]
fn an_approved_email_is_due_once_and_shows_as_sent() {
    let c = class();
    let id = absent_vikram(&c, false);
    c.f.desk.save_email_channel(&c.f.director, mail_settings()).unwrap();
    // A draft waits for review.
    assert!(c.f.desk.messages_due(10).unwrap().is_empty());
    c.f.desk
        .review_notifications(&c.f.director, ReviewNotifications { ids: vec![id], approve: true })
        .unwrap();
    let due = c.f.desk.messages_due(10).unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].recipient, "p1@example.com");
    assert_eq!(due[0].subject, "Absence: Vikram Menon – Koramangala");
    assert!(
        due[0].body.contains("Vikram Menon was absent from Physics XI-A on 1 Jun 2026"),
        "{}",
        due[0].body
    );

    c.f.desk.start_delivery(id).unwrap();
    // Being sent: not handed out again.
    assert!(c.f.desk.messages_due(10).unwrap().is_empty());
    c.f.desk.record_delivery(id, &Outcome::Sent { provider_ref: "250 queued as M1".into() }).unwrap();
    assert!(c.f.desk.messages_due(10).unwrap().is_empty());
    assert!(listed(&c, NotificationState::Approved).is_empty());
    let sent = listed(&c, NotificationState::Sent);
    assert_eq!(sent.len(), 1);
    assert!(sent[0].when.as_deref().is_some_and(|t| t.starts_with("2026-06-01T09:00")), "{:?}", sent[0].when);
}

#[test]
fn nothing_is_due_without_a_mail_server_or_on_a_desk_that_syncs() {
    let c = class();
    absent_vikram(&c, true);
    assert!(c.f.desk.messages_due(10).unwrap().is_empty(), "no channel set up");
    c.f.desk.save_email_channel(&c.f.director, mail_settings()).unwrap();
    assert_eq!(c.f.desk.messages_due(10).unwrap().len(), 1);
    c.f.conn().execute("UPDATE sync_state SET server_url = 'https://sync.example.in'", []).unwrap();
    assert!(c.f.desk.messages_due(10).unwrap().is_empty(), "the server sends");
    assert!(!c.f.desk.get_channels(&c.f.director, GetChannels {}).unwrap().sends_here);
}

#[test]
fn a_temporary_failure_waits_longer_each_time_then_fails_with_the_reason() {
    let c = class();
    let id = absent_vikram(&c, true);
    c.f.desk.save_email_channel(&c.f.director, mail_settings()).unwrap();
    let busy = Outcome::Retry { reason: "The mail server answered 451: busy".into() };
    for (wait, tries) in [(1, 1), (5, 2), (15, 3), (60, 4), (240, 5)] {
        assert_eq!(c.f.desk.messages_due(10).unwrap().len(), 1, "due for try {tries}");
        c.f.desk.start_delivery(id).unwrap();
        c.f.desk.record_delivery(id, &busy).unwrap();
        let waiting = listed(&c, NotificationState::Approved);
        assert_eq!(
            (waiting[0].attempts, waiting[0].error.as_str()),
            (tries, "The mail server answered 451: busy")
        );
        // Not due a minute before its time; due at it.
        c.f.clock.advance(chrono::Duration::minutes(wait - 1));
        assert!(c.f.desk.messages_due(10).unwrap().is_empty(), "waits {wait} minutes after try {tries}");
        c.f.clock.advance(chrono::Duration::minutes(1));
    }
    c.f.desk.start_delivery(id).unwrap();
    c.f.desk.record_delivery(id, &busy).unwrap();
    let failed = listed(&c, NotificationState::Failed);
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].error, "Gave up after 6 tries: The mail server answered 451: busy");
    assert!(c.f.desk.messages_due(10).unwrap().is_empty());
}

#[test]
fn a_desk_cut_off_mid_send_asks_a_person_rather_than_sending_again() {
    let c = class();
    let id = absent_vikram(&c, true);
    c.f.desk.save_email_channel(&c.f.director, mail_settings()).unwrap();
    c.f.desk.start_delivery(id).unwrap();
    // The app stopped here; it comes back eleven minutes later.
    c.f.clock.advance(chrono::Duration::minutes(11));
    assert!(c.f.desk.messages_due(10).unwrap().is_empty());
    let failed = listed(&c, NotificationState::Failed);
    assert!(failed[0].error.contains("may have gone out"), "{}", failed[0].error);
}

#[test]
fn a_failed_message_is_corrected_and_resent_in_one_action() {
    let c = class();
    let id = absent_vikram(&c, true);
    c.f.desk.save_email_channel(&c.f.director, mail_settings()).unwrap();
    // Not failed yet: nothing to resend.
    let early =
        c.f.desk.resend_notification(&c.f.director, ResendNotification { id, recipient: String::new() });
    assert_eq!(api(early.unwrap_err()).code, ErrorCode::Conflict);
    c.f.desk.start_delivery(id).unwrap();
    c.f.desk.record_delivery(id, &Outcome::Failed { reason: "550 No such mailbox".into() }).unwrap();
    assert!(c.f.desk.messages_due(10).unwrap().is_empty());

    let bad =
        c.f.desk
            .resend_notification(&c.f.director, ResendNotification { id, recipient: "p1 at example".into() });
    assert_eq!(api(bad.unwrap_err()).field.as_deref(), Some("recipient"));
    assert_eq!(listed(&c, NotificationState::Failed).len(), 1, "a refused resend changes nothing");
    let denied =
        c.f.desk.resend_notification(&c.teacher, ResendNotification { id, recipient: String::new() });
    assert_eq!(api(denied.unwrap_err()).code, ErrorCode::PermissionDenied);

    let ops = c.f.count("SELECT count(*) FROM outbox");
    c.f.desk
        .resend_notification(
            &c.f.director,
            ResendNotification { id, recipient: " Parent1@Example.com ".into() },
        )
        .unwrap();
    assert_eq!(c.f.count("SELECT count(*) FROM outbox"), ops + 1, "the corrected address syncs");
    let due = c.f.desk.messages_due(10).unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].recipient, "parent1@example.com");
}

#[test]
fn mail_settings_are_checked_kept_apart_and_their_password_never_shown() {
    let c = class();
    let e = c.f.desk.save_email_channel(&c.teacher, mail_settings());
    assert_eq!(api(e.unwrap_err()).code, ErrorCode::PermissionDenied);
    let mut plain = mail_settings();
    plain.email.security = EmailSecurity::Plain;
    let e = c.f.desk.save_email_channel(&c.f.director, plain);
    assert_eq!(api(e.unwrap_err()).field.as_deref(), Some("email.security"));
    assert!(c.f.desk.get_channels(&c.f.director, GetChannels {}).unwrap().email.is_none(), "nothing saved");

    let saved = c.f.desk.save_email_channel(&c.f.director, mail_settings()).unwrap();
    assert!(saved.sends_here && saved.email_password_saved);
    assert_eq!(saved.email.as_ref().map(|e| e.password.as_str()), Some(""));
    // Saved again without the password: it stays.
    let mut again = mail_settings();
    again.email.password.clear();
    again.email.port = 465;
    again.email.security = EmailSecurity::Tls;
    c.f.desk.save_email_channel(&c.f.director, again).unwrap();
    assert_eq!(
        c.f.desk.email_channel().unwrap().map(|e| (e.port, e.password)),
        Some((465, PASSWORD.to_owned()))
    );
    // Neither synced nor audited.
    let like = format!("%{PASSWORD}%");
    let found: i64 =
        c.f.conn()
            .query_row(
                "SELECT (SELECT count(*) FROM outbox WHERE columns LIKE ?1)
                  + (SELECT count(*) FROM audit_log WHERE old_values LIKE ?1 OR new_values LIKE ?1)",
                [&like],
                |r| r.get(0),
            )
            .unwrap();
    assert_eq!(found, 0);
}

#[test]
fn a_guardian_is_reached_on_the_channel_they_prefer_when_it_has_an_address() {
    let f = fixture();
    let both = GuardianInput {
        full_name: "Farah Khan".into(),
        phone: "98450 20002".into(),
        email: "farah@example.com".into(),
        relation: "Mother".into(),
        is_primary: true,
        preferred_channel: Some(NotificationChannel::Email),
        ..Default::default()
    };
    let no_email = GuardianInput { email: String::new(), ..both.clone() };
    let e = admit(&f, "Zoya Khan", "", Some(no_email)).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("guardians[0].preferred_channel"));
    let saved = admit(&f, "Zoya Khan", "", Some(both)).unwrap();
    let g = &saved.student.guardians[0];
    assert_eq!(g.preferred_channel, Some(NotificationChannel::Email));
    // Changed on the student's page: linked again with the new choice.
    let student = f
        .desk
        .link_guardian(
            &f.director,
            LinkGuardian {
                student_id: saved.student.id,
                guardian: GuardianInput {
                    guardian_id: Some(g.id),
                    relation: "Mother".into(),
                    is_primary: true,
                    preferred_channel: Some(NotificationChannel::WhatsApp),
                    ..Default::default()
                },
            },
        )
        .unwrap();
    assert_eq!(student.guardians[0].preferred_channel, Some(NotificationChannel::WhatsApp));
}

#[test]
fn a_long_list_comes_a_page_at_a_time_newest_first_with_nothing_twice() {
    let s = branchdesk_desk::bench::sample().unwrap();
    // 130 messages: 102 sent on this desk, 7 each failed, waiting, drafts and discarded.
    branchdesk_desk::bench::seed_messages(&s, 130).unwrap();
    let page = |state, older_than: String| {
        s.desk
            .list_notifications(&s.director, ListNotifications { branch_id: s.branch, state, older_than })
            .unwrap()
    };
    let mut seen = Vec::new();
    let mut sizes = Vec::new();
    let mut cursor = String::new();
    loop {
        let got = page(NotificationState::Sent, cursor.clone());
        sizes.push(got.len());
        if got.is_empty() {
            break;
        }
        assert!(got.iter().all(|n| n.state == NotificationState::Sent));
        cursor = got.last().unwrap().cursor.clone();
        seen.extend(got);
    }
    assert_eq!(sizes, [MESSAGES_PAGE, MESSAGES_PAGE, 2, 0]);
    let mut ids: Vec<_> = seen.iter().map(|n| n.id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 102, "nothing twice");
    assert!(seen.windows(2).all(|w| w[0].created_at >= w[1].created_at), "newest first");
    let counts: Vec<usize> =
        [NotificationState::Approved, NotificationState::Failed, NotificationState::Draft]
            .into_iter()
            .map(|st| page(st, String::new()).len())
            .collect();
    assert_eq!(counts, [7, 7, 7]);
    let bad = s.desk.list_notifications(
        &s.director,
        ListNotifications {
            branch_id: s.branch,
            state: NotificationState::Sent,
            older_than: "yesterday".into(),
        },
    );
    assert_eq!(api(bad.unwrap_err()).field.as_deref(), Some("older_than"));
}

/// A guardian's no to absence alerts is honoured at once: the alert
/// approved but not yet sent is withdrawn with the reason, the next absence
/// drafts nothing for them, the change is in the audit trail, and a yes
/// brings alerts back. Offers and news wait for a yes; a stranger to the
/// student is refused by name.
#[test]
fn a_guardians_no_withdraws_unsent_alerts_and_stops_new_ones() {
    let c = class();
    let vikram = c.students[1];
    let id = absent_vikram(&c, true);
    let guardian =
        c.f.desk.get_student(&c.f.director, GetStudent { id: vikram }).unwrap().student.guardians[0].clone();
    assert!((guardian.alerts_ok, guardian.fee_reminders_ok, guardian.promotions_ok) == (true, true, false));
    let audited = c.f.count("SELECT count(*) FROM audit_log WHERE entity = 'guardians'");
    let consent = |kind, ok| SetGuardianConsent { student_id: vikram, guardian_id: guardian.id, kind, ok };

    let set = c.f.desk.set_guardian_consent(&c.f.director, consent(ConsentKind::Alerts, false)).unwrap();
    assert_eq!(set.withdrawn, 1);
    assert!(!set.student.guardians[0].alerts_ok);
    assert!(listed(&c, NotificationState::Approved).is_empty());
    let gone = listed(&c, NotificationState::Discarded);
    assert_eq!(gone.iter().map(|n| n.id).collect::<Vec<_>>(), vec![id]);
    assert_eq!(gone[0].error, "Withdrawn: Parent said no to absence alerts.");
    assert_eq!(c.f.count("SELECT count(*) FROM audit_log WHERE entity = 'guardians'"), audited + 1);
    // Saying no again changes nothing.
    let again = c.f.desk.set_guardian_consent(&c.f.director, consent(ConsentKind::Alerts, false)).unwrap();
    assert_eq!(again.withdrawn, 0);

    // Next Monday's absence: no alert for them.
    c.f.clock.advance(chrono::Duration::days(7));
    let marks = vec![mark(vikram, AttendanceStatus::Absent, "")];
    c.f.desk
        .save_marks(&c.teacher, SaveMarks { session_id: c.sessions[1], marks, ..Default::default() })
        .unwrap();
    assert!(listed(&c, NotificationState::Draft).is_empty());

    // A yes brings them back for the next one.
    c.f.desk.set_guardian_consent(&c.f.director, consent(ConsentKind::Alerts, true)).unwrap();
    c.f.clock.advance(chrono::Duration::days(7));
    let marks = vec![mark(vikram, AttendanceStatus::Absent, "")];
    c.f.desk
        .save_marks(&c.teacher, SaveMarks { session_id: c.sessions[2], marks, ..Default::default() })
        .unwrap();
    assert_eq!(listed(&c, NotificationState::Draft).len(), 1);

    // Another student's guardian, or a teacher, cannot change it.
    let stranger = SetGuardianConsent { student_id: c.students[0], ..consent(ConsentKind::Alerts, false) };
    assert!(api(c.f.desk.set_guardian_consent(&c.f.director, stranger).unwrap_err()).is_for("guardian_id"));
    let e = c.f.desk.set_guardian_consent(&c.teacher, consent(ConsentKind::Promotions, true)).unwrap_err();
    assert_eq!(api(e).code, ErrorCode::PermissionDenied);
}
