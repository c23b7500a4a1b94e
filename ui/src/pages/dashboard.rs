//! Branches compared: the director's morning view of a month, each branch
//! the person may see reports of side by side with the total, and two
//! charts (fees collected against what fell due; what is overdue, by age).

use crate::components::field::{setter, Field};
use crate::format::{money, percent};
use crate::hooks::{show, use_query};
use branchdesk_api::commands::dashboard::{Ageing, BranchComparison, BranchFigures, CompareBranches};
use yew::prelude::*;

/// A chart series: the class that colours it (styles.css), its value and
/// its name in the key.
type Series<T> = (&'static str, fn(&T) -> i64, &'static str);

fn share(bp: Option<u32>) -> String {
    bp.map(|bp| format!("{}\u{a0}%", percent(bp))).unwrap_or_else(|| "—".into())
}

/// An amount to the nearest rupee: the comparison reads at a glance.
fn rupees(minor: i64) -> String {
    let shown = money((minor + 50).div_euclid(100) * 100);
    shown.strip_suffix(".00").unwrap_or(&shown).to_owned()
}

fn row(b: &BranchFigures, total: bool) -> Html {
    let age = |v: i64| html! { <td class="num">{ if v == 0 { "—".to_owned() } else { rupees(v) } }</td> };
    html! {
        <tr class={classes!(total.then_some("total"))}>
            <td>{ &b.branch_name }</td>
            <td class="num">{ b.active_students }</td>
            <td class="num" title={format!("{} of {} seats", b.seats_taken, b.seats)}>{ share(b.fill_bp()) }</td>
            <td class="num" title={format!("{} of {} marks", b.attended, b.marked)}>{ share(b.attendance_bp()) }</td>
            <td class="num">{ rupees(b.due_minor) }</td>
            <td class="num">{ rupees(b.collected_minor) }</td>
            <td class="num">{ share(b.collection_bp()) }</td>
            { age(b.overdue.days_1_30_minor) }
            { age(b.overdue.days_31_60_minor) }
            { age(b.overdue.days_61_90_minor) }
            { age(b.overdue.over_90_minor) }
            <td class="num"><strong>{ rupees(b.overdue.total_minor()) }</strong></td>
        </tr>
    }
}

/// Width in the chart's 0–1000 scale of `v` against the largest value.
fn scaled(v: i64, max: i64) -> i64 {
    if max <= 0 {
        0
    } else {
        (v.max(0) * 1000 / max).max(i64::from(v > 0) * 2)
    }
}

/// One horizontal bar per branch for each of `series`; `series` names a
/// class (the colour, in styles.css) and a value per branch.
fn bars(id: &str, label: &str, r: &BranchComparison, series: &[Series<BranchFigures>]) -> Html {
    let max = r.branches.iter().flat_map(|b| series.iter().map(move |(_, f, _)| f(b))).max().unwrap_or(0);
    let lane = 18 * series.len() as i64 + 10;
    let height = lane * r.branches.len() as i64;
    html! {
        <figure class="cmp-chart" id={id.to_owned()}>
            <figcaption>{ label }{ for series.iter().map(|(class, _, name)| html! { <span class={classes!("key", *class)}>{ *name }</span> }) }</figcaption>
            <div class="cmp-lanes">
                <div class="cmp-names">
                    { for r.branches.iter().map(|b| html! { <div class="cmp-name">{ &b.branch_name }</div> }) }
                </div>
                <svg viewBox={format!("0 0 1000 {height}")} preserveAspectRatio="none" role="img" aria-label={label.to_owned()}>
                    { for r.branches.iter().enumerate().flat_map(|(i, b)| series.iter().enumerate().map(move |(j, (class, f, _))| {
                        let y = i as i64 * lane + j as i64 * 18;
                        html! { <rect class={*class} x="0" y={y.to_string()} width={scaled(f(b), max).to_string()} height="14"><title>{ format!("{}: {}", b.branch_name, money(f(b))) }</title></rect> }
                    })) }
                </svg>
            </div>
        </figure>
    }
}

fn stacked(r: &BranchComparison) -> Html {
    let max = r.branches.iter().map(|b| b.overdue.total_minor()).max().unwrap_or(0);
    let parts: [Series<Ageing>; 4] = [
        ("age1", |a| a.days_1_30_minor, "1–30 days"),
        ("age2", |a| a.days_31_60_minor, "31–60"),
        ("age3", |a| a.days_61_90_minor, "61–90"),
        ("age4", |a| a.over_90_minor, "over 90"),
    ];
    let height = 28 * r.branches.len() as i64;
    html! {
        <figure class="cmp-chart" id="overdue-chart">
            <figcaption>{ "Overdue by age" }{ for parts.iter().map(|(class, _, name)| html! { <span class={classes!("key", *class)}>{ *name }</span> }) }</figcaption>
            <div class="cmp-lanes">
                <div class="cmp-names">
                    { for r.branches.iter().map(|b| html! { <div class="cmp-name wide">{ &b.branch_name }</div> }) }
                </div>
                <svg viewBox={format!("0 0 1000 {height}")} preserveAspectRatio="none" role="img" aria-label="Overdue by age">
                    { for r.branches.iter().enumerate().flat_map(|(i, b)| {
                        let mut x = 0;
                        parts.iter().map(move |(class, f, _)| {
                            let w = if max > 0 { f(&b.overdue) * 1000 / max } else { 0 };
                            let rect = html! { <rect class={*class} x={x.to_string()} y={(i as i64 * 28).to_string()} width={w.to_string()} height="20"><title>{ format!("{}: {}", b.branch_name, money(f(&b.overdue))) }</title></rect> };
                            x += w;
                            rect
                        }).collect::<Vec<_>>()
                    }) }
                </svg>
            </div>
        </figure>
    }
}

#[component]
pub fn DashboardPage() -> Html {
    let month = use_state(String::new);
    let (report, _) = use_query(CompareBranches { month: (*month).clone() });
    html! {
        <section id="dashboard">
            <header class="page-head"><h1>{ "Branches compared" }</h1></header>
            <div class="row"><Field label="Month" name="month" kind="month" value={(*month).clone()} on_input={setter(&month)} hint="empty: this month" /></div>
            { show(&report, |r: &BranchComparison| if r.branches.is_empty() {
                html! { <p class="muted">{ "No branch to compare yet: add branches under Organisation." }</p> }
            } else {
                html! {
                    <>
                        <div class="table-scroll">
                            <table class="grid" id="dashboard-table">
                                <thead>
                                    <tr><th rowspan="2">{ format!("Branch · {}", r.month) }</th><th class="num" rowspan="2">{ "Students" }</th><th class="num" rowspan="2">{ "Seats filled" }</th><th class="num" rowspan="2">{ "Attendance" }</th><th class="num" rowspan="2">{ "Fees due" }</th><th class="num" rowspan="2">{ "Collected" }</th><th class="num" rowspan="2">{ "Collection" }</th><th class="num" colspan="5">{ "Overdue today, days late" }</th></tr>
                                    <tr><th class="num">{ "1–30" }</th><th class="num">{ "31–60" }</th><th class="num">{ "61–90" }</th><th class="num">{ "90+" }</th><th class="num">{ "All" }</th></tr>
                                </thead>
                                <tbody>
                                    { for r.branches.iter().map(|b| row(b, false)) }
                                    if r.branches.len() > 1 { { row(&r.total, true) } }
                                </tbody>
                            </table>
                        </div>
                        <div class="cmp-charts">
                            { bars("collection-chart", "Fees in the month", r, &[("due", |b| b.due_minor, "due"), ("collected", |b| b.collected_minor, "collected")]) }
                            { stacked(r) }
                        </div>
                        <p class="muted">{ "Students: with an active enrolment. Seats: of the batches running today. Attendance: present or late among the month's marks, excused left out. Collected: receipts of the month less its voids and refunds; collection above 100 % means earlier dues were paid too." }</p>
                    </>
                }
            }) }
        </section>
    }
}
