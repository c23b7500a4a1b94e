//! A student's tests (marks per section, total, rank and percentile) and
//! their report card for a term: printed, opened or saved as PDF. The
//! marks table is also the student's own, on their start page.

use crate::components::document::print_document;
use crate::components::field::{DateField, Field, FormError};
use crate::components::session::use_session;
use crate::format::{day, percent};
use crate::hooks::{show, use_query};
use crate::invoke::call;
use branchdesk_api::commands::assessment::{
    GetReportCard, ListStudentMarks, SaveReportCard, SendReportCard, StudentMark,
};
use branchdesk_api::commands::imports::OpenSavedFile;
use branchdesk_api::commands::quizzes::{ListStudentQuizzes, StudentQuiz};
use branchdesk_api::ids::StudentId;
use branchdesk_api::{marks, ApiError};
use yew::platform::spawn_local;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct MarksTableProps {
    pub marks: Vec<StudentMark>,
}

/// Tests newest first: the total out of the maximum, sections, rank.
#[component]
pub fn MarksTable(p: &MarksTableProps) -> Html {
    if p.marks.is_empty() {
        return html! { <p class="empty">{ "No paper tests yet." }</p> };
    }
    html! {
        <table class="grid" id="student-marks">
            <thead><tr><th>{ "Test" }</th><th>{ "Day" }</th><th>{ "Sections" }</th><th class="num">{ "Marks" }</th><th class="num">{ "Rank" }</th><th class="num">{ "Percentile" }</th></tr></thead>
            <tbody>{ for p.marks.iter().map(|m| html! {
                <tr>
                    <td>{ &m.test_name }<div class="muted small">{ &m.batch_name }</div></td>
                    <td>{ day(&m.held_on) }</td>
                    <td class="small">{ m.sections.iter().map(|(n, got, max)| match got {
                        Some(v) => format!("{n} {}/{}", marks::format(*v), marks::format(*max)),
                        None => format!("{n} absent"),
                    }).collect::<Vec<_>>().join(" · ") }</td>
                    <td class="num">{ match m.total_hundredths {
                        Some(t) => format!("{} / {}", marks::format(t), marks::format(m.max_hundredths)),
                        None => "absent".into(),
                    } }</td>
                    <td class="num">{ m.rank.map(|r| format!("{r} of {}", m.ranked)).unwrap_or_default() }</td>
                    <td class="num">{ m.percentile_hundredths.map(percent).unwrap_or_default() }</td>
                </tr>
            }) }</tbody>
        </table>
    }
}

#[derive(Properties, PartialEq)]
pub struct StudentMarksProps {
    pub id: StudentId,
}

/// The student page's Marks tab.
#[component]
pub fn StudentMarks(p: &StudentMarksProps) -> Html {
    let (list, _) = use_query(ListStudentMarks { student_id: p.id });
    let (quizzes, _) = use_query(ListStudentQuizzes { student_id: p.id });
    html! {
        <>
            { show(&list, |m: &Vec<StudentMark>| html! { <MarksTable marks={m.clone()} /> }) }
            { show(&quizzes, |q: &Vec<StudentQuiz>| if q.is_empty() { html! {} } else { html! {
                <table class="grid" id="student-quizzes">
                    <thead><tr><th>{ "Quiz" }</th><th>{ "Day" }</th><th class="num">{ "Best score" }</th><th class="num">{ "Rank" }</th><th class="num">{ "Percentile" }</th></tr></thead>
                    <tbody>{ for q.iter().rev().map(|x| html! {
                        <tr>
                            <td>{ &x.quiz_name }</td>
                            <td>{ day(&x.on) }</td>
                            <td class="num">{ format!("{} / {}", marks::format(x.score_hundredths), marks::format(x.max_hundredths)) }</td>
                            <td class="num">{ format!("{} of {}", x.rank, x.ranked) }</td>
                            <td class="num">{ percent(x.percentile_hundredths) }</td>
                        </tr>
                    }) }</tbody>
                </table>
            } }) }
            <ReportCardForm id={p.id} />
        </>
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Action {
    Print,
    Open,
    Save,
    Send,
}

#[component]
fn ReportCardForm(p: &StudentMarksProps) -> Html {
    let s = use_session();
    let from = use_state(String::new);
    let to = use_state(String::new);
    let remarks = use_state(String::new);
    let error = use_state(|| None::<ApiError>);
    let notice = use_state(|| None::<String>);
    let run = |what: Action| {
        let (from, to, remarks, error, notice, s, id) =
            (from.clone(), to.clone(), remarks.clone(), error.clone(), notice.clone(), s.clone(), p.id);
        Callback::from(move |e: MouseEvent| {
            e.prevent_default();
            let card = GetReportCard {
                student_id: id,
                from: (*from).clone(),
                to: (*to).clone(),
                remarks: (*remarks).clone(),
            };
            let (error, notice, s) = (error.clone(), notice.clone(), s.clone());
            error.set(None);
            notice.set(None);
            spawn_local(async move {
                let outcome: Result<Option<String>, ApiError> = async {
                    match what {
                        Action::Print => print_document(&call(&card).await?).map(|_| None),
                        Action::Save => Ok(Some(format!(
                            "Report card saved as {}",
                            call(&SaveReportCard { card }).await?
                        ))),
                        Action::Send => {
                            let sent = call(&SendReportCard { card }).await?;
                            Ok(Some(format!(
                                "Report card {} for {} ({} by {}).",
                                if sent.approved { "sent" } else { "drafted to Messages for review" },
                                sent.recipient_name,
                                sent.recipient,
                                sent.channel.label()
                            )))
                        }
                        Action::Open => {
                            let path = call(&SaveReportCard { card }).await?;
                            call(&OpenSavedFile { path: path.clone() }).await?;
                            Ok(Some(format!("Report card opened ({path}).")))
                        }
                    }
                }
                .await;
                match outcome {
                    Ok(n) => notice.set(n),
                    Err(e) => error.set(Some(s.check(e))),
                }
            });
        })
    };
    let err = (*error).clone();
    html! {
        <form class="card" id="report-card" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
            <h3>{ "Report card" }</h3>
            <FormError error={err.clone()} fields={vec!["from", "to", "remarks"]} />
            <div class="row">
                <DateField label="Term from" name="from" value={(*from).clone()} on_input={let v = from.clone(); Callback::from(move |x: String| v.set(x))} error={err.clone()} hint="empty: three months back" />
                <DateField label="to" name="to" value={(*to).clone()} on_input={let v = to.clone(); Callback::from(move |x: String| v.set(x))} error={err.clone()} hint="empty: today" />
                <Field label="Teacher's remarks" name="remarks" value={(*remarks).clone()} on_input={let v = remarks.clone(); Callback::from(move |x: String| v.set(x))} error={err.clone()} hint="left empty: a space to write them by hand" />
            </div>
            <div class="actions doc-actions">
                <button type="button" class="print" onclick={run(Action::Print)}>{ "Print" }</button>
                <button type="button" class="open" onclick={run(Action::Open)}>{ "Open" }</button>
                <button type="button" class="save-pdf" onclick={run(Action::Save)}>{ "Save PDF" }</button>
                <button type="button" class="send-card" onclick={run(Action::Send)}>{ "Send to guardian" }</button>
            </div>
            if let Some(n) = &*notice { <p class="notice success" role="status" id="report-card-notice">{ n }</p> }
        </form>
    }
}
