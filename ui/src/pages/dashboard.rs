//! Branches compared: the director's morning view of a month, each branch
//! the person may see reports of side by side with the total, and two
//! charts (fees collected against what fell due; what is overdue, by age).

use crate::components::field::FormError;
use crate::components::field::{setter, Field};
use crate::components::session::{use_session, SessionCtx};
use crate::format::money;
use crate::hooks::{act, show, use_query};
use crate::nav::Page;
use branchdesk_api::commands::dashboard::{
    percent_text, BranchComparison, BranchFigures, CompareBranches, GetMoneyTrend, MoneyTrend, MonthMoney,
    SaveComparisonPdf,
};
use branchdesk_api::commands::imports::{ExportCsv, ExportList};
use branchdesk_api::ApiError;
use yew::prelude::*;

/// A chart series: the class that colours it (styles.css), its value and
/// its name in the key.
type Series<T> = (&'static str, fn(&T) -> i64, &'static str);

/// An amount to the nearest rupee: the comparison reads at a glance.
fn rupees(minor: i64) -> String {
    let shown = money((minor + 50).div_euclid(100) * 100);
    shown.strip_suffix(".00").unwrap_or(&shown).to_owned()
}

/// A branch's row; its overdue total opens that branch's overdue fees.
fn row(b: &BranchFigures, total: bool, nav: &Callback<Page>) -> Html {
    let overdue = rupees(b.overdue.total_minor());
    let overdue = if total || b.overdue.total_minor() == 0 {
        html! { <strong>{ overdue }</strong> }
    } else {
        let (nav, id) = (nav.clone(), b.branch_id);
        html! { <button class="link overdue-list" title={format!("The overdue fees of {}", b.branch_name)} onclick={move |_| nav.emit(Page::DuesOf(id))}><strong>{ overdue }</strong></button> }
    };
    let age = |v: i64| html! { <td class="num">{ if v == 0 { "—".to_owned() } else { rupees(v) } }</td> };
    html! {
        <tr class={classes!(total.then_some("total"))}>
            <td>{ &b.branch_name }</td>
            <td class="num">{ b.active_students }</td>
            <td class="num" title={format!("{} of {} seats", b.seats_taken, b.seats)}>{ percent_text(b.fill_bp()) }</td>
            <td class="num" title={format!("{} of {} marks", b.attended, b.marked)}>{ percent_text(b.attendance_bp()) }</td>
            <td class="num">{ rupees(b.due_minor) }</td>
            <td class="num">{ rupees(b.collected_minor) }</td>
            <td class="num">{ percent_text(b.collection_bp()) }</td>
            { age(b.overdue.days_1_30_minor) }
            { age(b.overdue.days_31_60_minor) }
            { age(b.overdue.days_61_90_minor) }
            { age(b.overdue.over_90_minor) }
            <td class="num">{ overdue }</td>
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

/// Horizontal bars, one lane per item (`name` labels it): side by side
/// (one bar per series) or `stacked` (the series end to end). The SVG is
/// drawn one unit to a pixel down and stretched across: each lane is as
/// tall as its name beside it (`lane_class` in styles.css, `lane` px).
struct Chart<'a, T> {
    id: &'static str,
    label: &'static str,
    items: &'a [T],
    name: fn(&T) -> String,
    series: &'a [Series<T>],
    stacked: bool,
    lane: i64,
    lane_class: &'static str,
}

impl<T> Chart<'_, T> {
    fn render(&self) -> Html {
        let value = |item: &T, f: &fn(&T) -> i64| f(item).max(0);
        let max = self
            .items
            .iter()
            .map(|item| {
                let values = self.series.iter().map(|(_, f, _)| value(item, f));
                if self.stacked {
                    values.sum()
                } else {
                    values.max().unwrap_or(0)
                }
            })
            .max()
            .unwrap_or(0);
        let bars = if self.stacked { 1 } else { self.series.len() as i64 };
        let bar = (self.lane - 8) / bars - 2;
        let height = self.lane * self.items.len() as i64;
        let mut rects = Vec::new();
        for (i, item) in self.items.iter().enumerate() {
            let mut x = 0;
            for (j, (class, f, _)) in self.series.iter().enumerate() {
                let v = value(item, f);
                let w = scaled(v, max);
                let y = i as i64 * self.lane + if self.stacked { 0 } else { j as i64 * (bar + 2) };
                rects.push(html! { <rect class={*class} x={x.to_string()} y={y.to_string()} width={w.to_string()} height={bar.to_string()}><title>{ format!("{}: {}", (self.name)(item), money(f(item))) }</title></rect> });
                if self.stacked {
                    x += w;
                }
            }
        }
        html! {
            <figure class="cmp-chart" id={self.id}>
                <figcaption>{ self.label }{ for self.series.iter().map(|(class, _, name)| html! { <span class={classes!("key", *class)}>{ *name }</span> }) }</figcaption>
                <div class="cmp-lanes">
                    <div class="cmp-names">
                        { for self.items.iter().map(|item| html! { <div class={classes!("cmp-name", self.lane_class)}>{ (self.name)(item) }</div> }) }
                    </div>
                    <svg viewBox={format!("0 0 1000 {height}")} height={height.to_string()} preserveAspectRatio="none" role="img" aria-label={self.label}>
                        { for rects }
                    </svg>
                </div>
            </figure>
        }
    }
}

fn branch_name(b: &BranchFigures) -> String {
    b.branch_name.clone()
}

fn fees_chart(r: &BranchComparison) -> Html {
    Chart {
        id: "collection-chart",
        label: "Fees in the month",
        items: &r.branches,
        name: branch_name,
        series: &[("due", |b| b.due_minor, "due"), ("collected", |b| b.collected_minor, "collected")],
        stacked: false,
        lane: 40,
        lane_class: "lane40",
    }
    .render()
}

fn overdue_chart(r: &BranchComparison) -> Html {
    Chart {
        id: "overdue-chart",
        label: "Overdue by age",
        items: &r.branches,
        name: branch_name,
        series: &[
            ("age1", |b| b.overdue.days_1_30_minor, "1–30 days"),
            ("age2", |b| b.overdue.days_31_60_minor, "31–60"),
            ("age3", |b| b.overdue.days_61_90_minor, "61–90"),
            ("age4", |b| b.overdue.over_90_minor, "over 90"),
        ],
        stacked: true,
        lane: 28,
        lane_class: "lane28",
    }
    .render()
}

/// "Dec 2026" for 2026-12.
fn month_name(m: &MonthMoney) -> String {
    chrono::NaiveDate::parse_from_str(&format!("{}-01", m.month), "%Y-%m-%d")
        .map(|d| d.format("%b %Y").to_string())
        .unwrap_or_else(|_| m.month.clone())
}

/// Fees against what was paid out, month by month, and the table.
fn trend(t: &MoneyTrend) -> Html {
    let chart = Chart {
        id: "trend-chart",
        label: "Month by month",
        items: &t.months,
        name: month_name,
        series: &[
            ("collected", |m| m.fees_minor - m.reversals_minor, "fees less refunds"),
            ("age3", |m| m.salaries_minor + m.expenses_minor, "salaries and expenses"),
        ],
        stacked: false,
        lane: 24,
        lane_class: "lane24",
    };
    html! {
        <div class="cmp-trend">
            { chart.render() }
            <table class="grid" id="trend-table">
                <thead><tr><th>{ "Month" }</th><th class="num">{ "Fees" }</th><th class="num">{ "Voids and refunds" }</th><th class="num">{ "Salaries" }</th><th class="num">{ "Expenses" }</th><th class="num">{ "Net" }</th></tr></thead>
                <tbody>{ for t.months.iter().rev().map(|m| html! {
                    <tr class={classes!((m.net_minor < 0).then_some("warn-row"))}>
                        <td>{ month_name(m) }</td>
                        <td class="num">{ rupees(m.fees_minor) }</td>
                        <td class="num">{ rupees(m.reversals_minor) }</td>
                        <td class="num">{ rupees(m.salaries_minor) }</td>
                        <td class="num">{ rupees(m.expenses_minor) }</td>
                        <td class="num"><strong>{ rupees(m.net_minor) }</strong></td>
                    </tr>
                }) }</tbody>
            </table>
        </div>
    }
}

#[component]
pub fn DashboardPage() -> Html {
    let s = use_session();
    let month = use_state(String::new);
    let (report, _) = use_query(CompareBranches { month: (*month).clone() });
    let (money_trend, _) = use_query(GetMoneyTrend { branch_id: None, until: (*month).clone(), months: 12 });
    let saved = use_state(|| None::<String>);
    let error = use_state(|| None::<ApiError>);
    let pdf = save(SaveComparisonPdf { month: (*month).clone() }, &saved, &error, &s, |path| path);
    let csv = save(
        ExportCsv { list: ExportList::BranchComparison, month: (*month).clone(), ..Default::default() },
        &saved,
        &error,
        &s,
        |f| f.path,
    );
    let nav = s.navigate.clone();
    html! {
        <section id="dashboard">
            <header class="page-head"><h1>{ "Branches compared" }</h1>
                <div class="head-actions">
                    <button id="dashboard-pdf" onclick={pdf}>{ "Save as PDF" }</button>
                    <button id="dashboard-csv" onclick={csv}>{ "Export CSV" }</button>
                </div>
            </header>
            <FormError error={(*error).clone()} fields={vec![]} />
            if let Some(path) = &*saved { <p class="notice success" id="dashboard-saved">{ format!("Saved to {path}") }</p> }
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
                                    { for r.branches.iter().map(|b| row(b, false, &nav)) }
                                    if r.branches.len() > 1 { { row(&r.total, true, &nav) } }
                                </tbody>
                            </table>
                        </div>
                        <div class="cmp-charts">
                            { fees_chart(r) }
                            { overdue_chart(r) }
                        </div>
                        <p class="muted">{ "Students: with an active enrolment. Seats: of the batches running today. Attendance: present or late among the month's marks, excused left out. Collected: receipts of the month less its voids and refunds; collection above 100 % means earlier dues were paid too." }</p>
                    </>
                }
            }) }
            <h2>{ "Money, twelve months to the month chosen" }</h2>
            { show(&money_trend, trend) }
        </section>
    }
}

/// Saves the view through `command` and says where the file went.
fn save<C>(
    command: C,
    saved: &UseStateHandle<Option<String>>,
    error: &UseStateHandle<Option<ApiError>>,
    s: &SessionCtx,
    path: fn(C::Output) -> String,
) -> Callback<MouseEvent>
where
    C: branchdesk_api::commands::Command + Clone + 'static,
{
    let (saved, error, s) = (saved.clone(), error.clone(), s.clone());
    Callback::from(move |_: MouseEvent| {
        let saved = saved.clone();
        act(command.clone(), error.clone(), s.clone(), move |out| saved.set(Some(path(out))));
    })
}
