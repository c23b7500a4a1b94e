//! Attendance by month: every student of a branch (or one batch), those
//! below a threshold, those with absences in a row.

use crate::components::branch::branch_picker;
use crate::components::field::{setter, Field, FormError, Select};
use crate::components::session::use_session;
use crate::hooks::{act, show, use_query};
use branchdesk_api::commands::attendance::{AttendanceReport, GetAttendanceReport};
use branchdesk_api::commands::imports::{ExportCsv, ExportList, SavedFile};
use branchdesk_api::commands::timetable::{Batch, ListBatches};
use branchdesk_api::ids::BatchId;
use branchdesk_api::ApiError;
use yew::prelude::*;

fn pct(bp: u32) -> String {
    format!("{}.{} %", bp / 100, (bp % 100) / 10)
}

#[component]
pub fn ReportsPage() -> Html {
    let s = use_session();
    let branch = use_state(|| s.me.branches.first().map(|b| b.id).unwrap_or_default());
    let month = use_state(String::new);
    let batch = use_state(String::new);
    let below = use_state(|| false);
    let run = use_state(|| false);
    let query = GetAttendanceReport {
        branch_id: *branch,
        month: (*month).clone(),
        batch_id: batch.parse().ok().map(BatchId),
        below_bp: if *below { 7500 } else { 0 },
        min_absence_run: if *run { 3 } else { 0 },
    };
    let (report, _) = use_query(query);
    let (batches, _) = use_query(ListBatches { branch_id: *branch, include_inactive: true });
    let exported = use_state(|| None::<SavedFile>);
    let error = use_state(|| None::<ApiError>);
    let export = {
        let input = ExportCsv {
            list: ExportList::Attendance,
            branch_id: *branch,
            batch_id: batch.parse().ok().map(BatchId),
            month: (*month).clone(),
        };
        let (exported, error, s) = (exported.clone(), error.clone(), s.clone());
        Callback::from(move |_: MouseEvent| {
            let exported = exported.clone();
            act(input.clone(), error.clone(), s.clone(), move |f| exported.set(Some(f)));
        })
    };
    let batch_opts: Vec<(String, String)> = match &batches {
        Some(Ok(list)) => list.iter().map(|b: &Batch| (b.id.to_string(), b.name.clone())).collect(),
        _ => vec![],
    };
    html! {
        <section id="attendance-report">
            <header class="page-head"><h1>{ "Attendance" }</h1>{ branch_picker(&s.me.branches, branch.clone()) }<button id="export-attendance" onclick={export}>{ "Export CSV" }</button></header>
            <FormError error={(*error).clone()} fields={vec![]} />
            if let Some(f) = &*exported { <p class="notice success">{ format!("Saved {} rows to {}", f.rows, f.path) }</p> }
            <div class="toolbar">
                <Field label="Month" name="month" kind="month" value={(*month).clone()} on_input={setter(&month)} hint="empty: this month" />
                <Select label="Batch" name="batch_id" value={(*batch).clone()} options={batch_opts} on_change={setter(&batch)} none="All batches" />
                <label class="check-inline"><input type="checkbox" checked={*below} onchange={let b = below.clone(); Callback::from(move |_: Event| b.set(!*b))} />{ " Below 75 %" }</label>
                <label class="check-inline"><input type="checkbox" checked={*run} onchange={let r = run.clone(); Callback::from(move |_: Event| r.set(!*r))} />{ " 3 or more absences in a row" }</label>
            </div>
            { show(&report, |r: &AttendanceReport| html! {
                <>
                    <p class="muted">{ format!("{}: {} marks, {} attended overall.", r.month, r.marks, pct(r.percent_bp)) }</p>
                    if r.rows.is_empty() { <p class="empty">{ "No attendance matches." }</p> } else {
                        <table class="grid" id="report-table">
                            <thead><tr><th>{ "Student" }</th><th>{ "Batch" }</th><th>{ "Present" }</th><th>{ "Late" }</th><th>{ "Absent" }</th><th>{ "Excused" }</th><th>{ "Attended" }</th><th>{ "Longest absence run" }</th></tr></thead>
                            <tbody>{ for r.rows.iter().map(|m| html! {
                                <tr class={classes!((m.percent_bp < 7500).then_some("warn-row"))}>
                                    <td>{ format!("{} ({})", m.full_name, m.code) }</td><td>{ &m.batch_name }</td>
                                    <td>{ m.present }</td><td>{ m.late }</td><td>{ m.absent }</td><td>{ m.excused }</td>
                                    <td>{ pct(m.percent_bp) }</td><td>{ m.longest_absence_run }</td>
                                </tr>
                            }) }</tbody>
                        </table>
                    }
                </>
            }) }
        </section>
    }
}
