//! Tests: papers with their sections, the batches sitting them, the marks
//! grid (type, Enter saves and goes down; A for absent) and rank lists.

use crate::components::field::{DateField, Field, FormError, Select};
use crate::components::form::use_form;
use crate::components::session::use_session;
use crate::components::text_file::{use_text_file, ImportFindings};
use crate::format::{day, percent};
use crate::hooks::{act, show, use_query};
use branchdesk_api::commands::assessment::*;
use branchdesk_api::commands::imports::ImportReport;
use branchdesk_api::commands::timetable::{Batch, ListBatches};
use branchdesk_api::ids::{BatchId, BranchId, PaperTestId, StudentId, TestSectionId};
use branchdesk_api::marks;
use branchdesk_api::ApiError;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// What the page shows beside the list of papers.
#[derive(Clone, PartialEq)]
enum View {
    None,
    /// The paper form: a new paper, or one being changed.
    Edit(Option<PaperTest>),
    Marks(PaperTestId, BatchId),
    Ranks(PaperTestId),
    Bank,
    Quizzes,
}

#[component]
pub fn TestsPage() -> Html {
    let (tests, reload) = use_query(ListPaperTests::default());
    let view = use_state(|| View::None);
    let open = |v: View| {
        let view = view.clone();
        Callback::from(move |_: MouseEvent| view.set(v.clone()))
    };
    let saved = {
        let (view, reload) = (view.clone(), reload.clone());
        Callback::from(move |_: PaperTest| {
            view.set(View::None);
            reload.emit(());
        })
    };
    let close = {
        let (view, reload) = (view.clone(), reload.clone());
        Callback::from(move |()| {
            view.set(View::None);
            reload.emit(());
        })
    };
    html! {
        <section id="tests">
            <header class="page-head">
                <h1>{ "Tests" }</h1>
                <div class="head-actions">
                    <button id="open-bank" onclick={open(View::Bank)}>{ "Question bank" }</button>
                    <button id="open-quizzes" onclick={open(View::Quizzes)}>{ "Quizzes" }</button>
                    <button class="primary" id="new-test" onclick={open(View::Edit(None))}>{ "New test" }</button>
                </div>
            </header>
            { match &*view {
                View::Edit(t) => html! { <PaperForm paper={t.clone()} on_saved={saved} on_close={close.clone()} /> },
                View::Marks(t, b) => html! { <MarksGrid test_id={*t} batch_id={*b} on_close={close.clone()} /> },
                View::Ranks(t) => html! { <RankListView test_id={*t} on_close={close.clone()} /> },
                View::Bank => html! { <super::question_bank::QuestionBankPanel on_close={close.clone()} /> },
                View::Quizzes => html! { <super::quizzes::QuizzesPanel on_close={close.clone()} /> },
                View::None => html! {},
            } }
            { show(&tests, |list: &Vec<PaperTest>| {
                if list.is_empty() {
                    return html! { <p class="empty">{ "No tests yet. Set the first with New test: its name, day and sections with their maximum marks." }</p> };
                }
                html! {
                    <table class="grid" id="tests-table">
                        <thead><tr><th>{ "Test" }</th><th>{ "Day" }</th><th>{ "Out of" }</th><th>{ "Batches sitting it" }</th><th></th></tr></thead>
                        <tbody>{ for list.iter().map(|t| html! {
                            <tr key={t.id.to_string()}>
                                <td>{ &t.name }<div class="muted small">{ t.sections.iter().map(|s| format!("{} {}", s.name, marks::format(s.max_hundredths))).collect::<Vec<_>>().join(" · ") }</div></td>
                                <td>{ day(&t.held_on) }</td>
                                <td>{ marks::format(t.max_hundredths) }</td>
                                <td>
                                    { for t.sittings.iter().map(|s| html! {
                                        <button class="link" onclick={open(View::Marks(t.id, s.batch_id))} title="Enter marks">
                                            { format!("{} ({}/{} entered)", s.batch_name, s.entered, s.students) }
                                            if !s.event_title.is_empty() { <span class="muted small">{ format!(" · {}", s.event_title) }</span> }
                                        </button>
                                    }) }
                                    <SitBatch test={t.clone()} on_set={reload.clone()} />
                                </td>
                                <td class="row-actions">
                                    <button onclick={open(View::Ranks(t.id))}>{ "Rank list" }</button>
                                    if t.editable { <button onclick={open(View::Edit(Some(t.clone())))}>{ "Edit" }</button> }
                                </td>
                            </tr>
                        }) }</tbody>
                    </table>
                }
            }) }
        </section>
    }
}

/// A section row of the form, as typed.
#[derive(Clone, Default, PartialEq)]
struct SectionDraft {
    id: Option<TestSectionId>,
    name: String,
    max_marks: String,
}

#[derive(Clone, Default, PartialEq)]
struct PaperDraft {
    name: String,
    held_on: String,
    sections: Vec<SectionDraft>,
}

#[derive(Properties, PartialEq)]
struct PaperFormProps {
    paper: Option<PaperTest>,
    on_saved: Callback<PaperTest>,
    on_close: Callback<()>,
}

#[component]
fn PaperForm(p: &PaperFormProps) -> Html {
    let s = use_session();
    let form = use_form::<PaperDraft>();
    let error = use_state(|| None::<ApiError>);
    {
        let (form, paper) = (form.clone(), p.paper.clone());
        use_effect_with(paper, move |paper| {
            form.set(match paper {
                Some(t) => PaperDraft {
                    name: t.name.clone(),
                    held_on: t.held_on.clone(),
                    sections: t
                        .sections
                        .iter()
                        .map(|s| SectionDraft {
                            id: Some(s.id),
                            name: s.name.clone(),
                            max_marks: marks::format(s.max_hundredths),
                        })
                        .collect(),
                },
                None => PaperDraft { sections: vec![SectionDraft::default()], ..Default::default() },
            });
        });
    }
    let onsubmit = {
        let (form, error, s, done, id) =
            (form.clone(), error.clone(), s.clone(), p.on_saved.clone(), p.paper.as_ref().map(|t| t.id));
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let input = SavePaperTest {
                id,
                name: form.name.clone(),
                course_id: None,
                held_on: form.held_on.clone(),
                sections: form
                    .sections
                    .iter()
                    .map(|s| SectionInput { id: s.id, name: s.name.clone(), max_marks: s.max_marks.clone() })
                    .collect(),
            };
            let done = done.clone();
            act(input, error.clone(), s.clone(), move |t| done.emit(t));
        })
    };
    let add = {
        let form = form.clone();
        Callback::from(move |_: MouseEvent| {
            let mut d = (*form).clone();
            d.sections.push(SectionDraft::default());
            form.set(d);
        })
    };
    let remove = |i: usize| {
        let form = form.clone();
        Callback::from(move |_: MouseEvent| {
            let mut d = (*form).clone();
            d.sections.remove(i);
            form.set(d);
        })
    };
    let err = (*error).clone();
    let mut fields = vec!["name", "held_on"];
    let names: Vec<&'static str> = (0..form.sections.len()).flat_map(section_fields).collect();
    fields.extend(names);
    html! {
        <form class="card" id="paper-form" {onsubmit}>
            <h2>{ if p.paper.is_some() { "Change the test" } else { "New test" } }</h2>
            <FormError error={err.clone()} {fields} />
            <div class="row">
                <Field label="Test name" name="name" value={form.name.clone()} on_input={form.field(|f, v| f.name = v)} error={err.clone()} autofocus=true hint="e.g. Weekly Test 14" />
                <DateField label="Day" name="held_on" value={form.held_on.clone()} on_input={form.field(|f, v| f.held_on = v)} error={err.clone()} />
            </div>
            <h3>{ "Sections" }</h3>
            { for form.sections.iter().enumerate().map(|(i, sec)| {
                let [name_field, max_field] = [section_fields(i)[0], section_fields(i)[1]];
                html! {
                    <div class="row section-row" key={i}>
                        <Field label={format!("Section {}", i + 1)} name={name_field} value={sec.name.clone()} on_input={form.field(move |f, v| f.sections[i].name = v)} error={err.clone()} hint="e.g. Physics" />
                        <Field label="Out of" name={max_field} value={sec.max_marks.clone()} inputmode="decimal" on_input={form.field(move |f, v| f.sections[i].max_marks = v)} error={err.clone()} />
                        if form.sections.len() > 1 { <div class="actions"><button type="button" onclick={remove(i)} aria-label={format!("Remove section {}", i + 1)}>{ "Remove" }</button></div> }
                    </div>
                }
            }) }
            <div class="actions">
                <button type="button" id="add-section" onclick={add}>{ "Add a section" }</button>
                <button type="submit" class="primary">{ "Save test " }<kbd>{ "Enter" }</kbd></button>
                <button type="button" onclick={p.on_close.reform(|_| ())}>{ "Cancel" }</button>
            </div>
        </form>
    }
}

/// The error names of a section row's two fields (`sections.0.name`, …).
/// `FormError` takes static names; a paper's eleventh section on shows its
/// errors at the top of the form instead.
fn section_fields(i: usize) -> [&'static str; 2] {
    const NAMES: [[&str; 2]; 10] = [
        ["sections.0.name", "sections.0.max_marks"],
        ["sections.1.name", "sections.1.max_marks"],
        ["sections.2.name", "sections.2.max_marks"],
        ["sections.3.name", "sections.3.max_marks"],
        ["sections.4.name", "sections.4.max_marks"],
        ["sections.5.name", "sections.5.max_marks"],
        ["sections.6.name", "sections.6.max_marks"],
        ["sections.7.name", "sections.7.max_marks"],
        ["sections.8.name", "sections.8.max_marks"],
        ["sections.9.name", "sections.9.max_marks"],
    ];
    NAMES.get(i).copied().unwrap_or(["sections", "sections"])
}

#[derive(Properties, PartialEq)]
struct SitBatchProps {
    test: PaperTest,
    on_set: Callback<()>,
}

/// Sets the paper for one more batch of the reader's branches.
#[component]
fn SitBatch(p: &SitBatchProps) -> Html {
    let s = use_session();
    let branch: BranchId = s.me.branches.first().map(|b| b.id).unwrap_or_default();
    let (batches, _) = use_query(ListBatches { branch_id: branch, include_inactive: false });
    let error = use_state(|| None::<ApiError>);
    let chosen = use_state(String::new);
    let options: Vec<(String, String)> = match &batches {
        Some(Ok(list)) => list
            .iter()
            .filter(|b: &&Batch| !p.test.sittings.iter().any(|st| st.batch_id == b.id))
            .map(|b| (b.id.to_string(), b.name.clone()))
            .collect(),
        _ => vec![],
    };
    if options.is_empty() {
        return html! {};
    }
    let on_change = {
        let (chosen, error, s, done, test) =
            (chosen.clone(), error.clone(), s.clone(), p.on_set.clone(), p.test.id);
        Callback::from(move |v: String| {
            chosen.set(v.clone());
            let Ok(id) = v.parse() else { return };
            let done = done.clone();
            act(
                SetTestSitting { test_id: test, batch_id: BatchId(id), ..Default::default() },
                error.clone(),
                s.clone(),
                move |_| done.emit(()),
            );
        })
    };
    html! {
        <div class="sit-batch">
            <Select label="Set for" name="batch_id" id={format!("sit-{}", p.test.id)} value={(*chosen).clone()} {options} {on_change} none="a batch…" error={(*error).clone()} />
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct MarksGridProps {
    test_id: PaperTestId,
    batch_id: BatchId,
    on_close: Callback<()>,
}

/// The marks grid: a row per student, a cell per section. Type the marks
/// (or A), Enter saves and goes to the next student; Tab goes across.
#[component]
fn MarksGrid(p: &MarksGridProps) -> Html {
    let (sheet, reload) = use_query(GetMarksSheet { test_id: p.test_id, batch_id: p.batch_id });
    let totals = use_state(std::collections::HashMap::<StudentId, Option<i64>>::new);
    // Bumped when marks change underneath the grid (an import, grace):
    // the cells start again from what the desk holds.
    let version = use_state(|| 0u32);
    let tool = use_state(|| GridTool::None);
    let on_line = {
        let totals = totals.clone();
        Callback::from(move |l: MarksLine| {
            let mut t = (*totals).clone();
            t.insert(l.student_id, l.total_hundredths);
            totals.set(t);
        })
    };
    let refresh = {
        let (totals, version, reload) = (totals.clone(), version.clone(), reload.clone());
        Callback::from(move |()| {
            totals.set(Default::default());
            version.set(*version + 1);
            reload.emit(());
        })
    };
    let pick = |t: GridTool| {
        let tool = tool.clone();
        Callback::from(move |_: MouseEvent| tool.set(if *tool == t { GridTool::None } else { t }))
    };
    let close = p.on_close.reform(|_: MouseEvent| ());
    show(&sheet, |sheet: &MarksSheet| {
        let rows = sheet.lines.len();
        html! {
            <div class="card" id="marks-grid">
                <div class="toolbar">
                    <h2>{ format!("{} — {}", sheet.test.name, sheet.batch_name) }</h2>
                    <button type="button" id="marks-import-open" onclick={pick(GridTool::Import)}>{ "Import an OMR export" }</button>
                    if sheet.test.editable { <button type="button" id="grace-open" onclick={pick(GridTool::Grace)}>{ "Grace marks" }</button> }
                    <button type="button" id="marks-done" onclick={close.clone()}>{ "Done" }</button>
                </div>
                { match *tool {
                    GridTool::Import => html! { <MarksImport test_id={p.test_id} batch_id={p.batch_id} sections={sheet.test.sections.clone()} on_imported={refresh.clone()} /> },
                    GridTool::Grace => html! { <GraceForm test={sheet.test.clone()} on_saved={refresh.clone()} /> },
                    GridTool::None => html! {},
                } }
                <p class="muted small">{ "Type the marks and press Enter to save and go down; A marks a student absent; Tab goes across." }</p>
                if sheet.lines.is_empty() {
                    <p class="empty">{ "Nobody holds a seat in this batch yet." }</p>
                } else {
                    <table class="grid marks">
                        <thead><tr>
                            <th>{ "Student" }</th>
                            { for sheet.test.sections.iter().map(|s| html! { <th>{ format!("{} (/{})", s.name, marks::format(s.max_hundredths)) }
                                if s.grace_hundredths > 0 { <div class="muted small" title={s.grace_reason.clone()}>{ format!("+{} grace", marks::format(s.grace_hundredths)) }</div> }</th> }) }
                            <th>{ format!("Total (/{})", marks::format(sheet.test.max_hundredths)) }</th>
                        </tr></thead>
                        <tbody>{ for sheet.lines.iter().enumerate().map(|(r, l)| {
                            let total = totals.get(&l.student_id).copied().unwrap_or(l.total_hundredths);
                            html! {
                                <tr key={format!("{}-{}", l.student_id, *version)}>
                                    <td>{ &l.student_name }<span class="muted small">{ format!(" {}", l.student_code) }</span></td>
                                    { for l.cells.iter().enumerate().map(|(c, cell)| html! {
                                        <td><MarkInput test_id={p.test_id} batch_id={p.batch_id} section_id={cell.section_id} student_id={l.student_id}
                                            initial={cell_text(cell)} row={r} col={c} rows={rows} on_line={on_line.clone()} /></td>
                                    }) }
                                    <td class="num total">{ total.map(marks::format).unwrap_or_default() }</td>
                                </tr>
                            }
                        }) }</tbody>
                    </table>
                }
            </div>
        }
    })
}

/// The panel open above the grid.
#[derive(Clone, Copy, PartialEq)]
enum GridTool {
    None,
    Import,
    Grace,
}

#[derive(Properties, PartialEq)]
struct MarksImportProps {
    test_id: PaperTestId,
    batch_id: BatchId,
    sections: Vec<TestSection>,
    on_imported: Callback<()>,
}

/// An OMR export: checked (every problem by row and column), then imported.
#[component]
fn MarksImport(p: &MarksImportProps) -> Html {
    let s = use_session();
    let error = use_state(|| None::<ApiError>);
    let report = use_state(|| None::<ImportReport>);
    let (file, on_file) = use_text_file(error.clone(), report.clone());
    let run = |commit: bool| {
        let (file, report, error, s, done, test_id, batch_id) = (
            file.clone(),
            report.clone(),
            error.clone(),
            s.clone(),
            p.on_imported.clone(),
            p.test_id,
            p.batch_id,
        );
        Callback::from(move |_: MouseEvent| {
            let Some((_, content)) = (*file).clone() else {
                return error.set(Some(ApiError::invalid(
                    "content",
                    "Choose the CSV your OMR software saved first.",
                )));
            };
            let (report, done) = (report.clone(), done.clone());
            act(ImportMarks { test_id, batch_id, content, commit }, error.clone(), s.clone(), move |r| {
                if r.written > 0 {
                    done.emit(());
                }
                report.set(Some(r));
            });
        })
    };
    let columns: Vec<&str> = p.sections.iter().map(|s| s.name.as_str()).collect();
    html! {
        <div class="card inset" id="marks-import">
            <p class="muted small">{ format!("A CSV with a roll-number column (Code or Roll No) and one column per section: {}. Other columns are ignored.", columns.join(", ")) }</p>
            <div class="bank-import">
                <input type="file" id="marks-file" accept=".csv,text/csv" onchange={on_file} />
                if let Some((name, _)) = &*file { <span class="muted">{ name.clone() }</span> }
                <button type="button" id="marks-check" onclick={run(false)}>{ "Check the file" }</button>
                if let Some(r) = &*report {
                    if r.errors.is_empty() && r.written == 0 {
                        <button type="button" class="primary" id="marks-commit" onclick={run(true)}>{ format!("Import {} rows", r.rows) }</button>
                    }
                }
            </div>
            if let Some(e) = &*error { <div class="form-error" role="alert">{ &e.message }</div> }
            if let Some(r) = &*report { <ImportFindings report={r.clone()} things="rows" place="Row" id="marks-report" /> }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct GraceFormProps {
    test: PaperTest,
    on_saved: Callback<()>,
}

/// Grace marks for everyone who sat a section, with the reason.
#[component]
fn GraceForm(p: &GraceFormProps) -> Html {
    let s = use_session();
    let error = use_state(|| None::<ApiError>);
    let section = use_state(|| p.test.sections.first().map(|s| s.id.to_string()).unwrap_or_default());
    let grace = use_state(String::new);
    let reason = use_state(String::new);
    let done = use_state(|| false);
    let onsubmit = {
        let (section, grace, reason, error, s, saved, done, test_id) = (
            section.clone(),
            grace.clone(),
            reason.clone(),
            error.clone(),
            s.clone(),
            p.on_saved.clone(),
            done.clone(),
            p.test.id,
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Ok(id) = section.parse() else { return };
            let (saved, done) = (saved.clone(), done.clone());
            let input = ModerateSection {
                test_id,
                section_id: TestSectionId(id),
                grace: (*grace).clone(),
                reason: (*reason).clone(),
            };
            act(input, error.clone(), s.clone(), move |_| {
                done.set(true);
                saved.emit(());
            });
        })
    };
    let options: Vec<(String, String)> =
        p.test.sections.iter().map(|s| (s.id.to_string(), s.name.clone())).collect();
    let err = (*error).clone();
    html! {
        <form class="card inset" id="grace-form" {onsubmit}>
            <FormError error={err.clone()} fields={vec!["section_id", "grace", "reason"]} />
            <div class="row">
                <Select label="Section" name="section_id" value={(*section).clone()} {options} on_change={let v = section.clone(); Callback::from(move |x: String| v.set(x))} error={err.clone()} />
                <Field label="Grace marks" name="grace" value={(*grace).clone()} inputmode="decimal" on_input={let v = grace.clone(); Callback::from(move |x: String| v.set(x))} error={err.clone()} hint="0 takes them back" />
                <Field label="Why" name="reason" value={(*reason).clone()} on_input={let v = reason.clone(); Callback::from(move |x: String| v.set(x))} error={err.clone()} hint="e.g. Question 7 was misprinted" />
                <div class="actions"><button type="submit" class="primary">{ "Give grace " }<kbd>{ "Enter" }</kbd></button></div>
            </div>
            if *done { <p class="notice success" role="status">{ "Grace saved; the totals below include it." }</p> }
        </form>
    }
}

fn cell_text(c: &MarkCell) -> String {
    match (c.absent, c.marks_hundredths) {
        (true, _) => "A".into(),
        (false, Some(v)) => marks::format(v),
        (false, None) => String::new(),
    }
}

#[derive(Properties, PartialEq)]
struct MarkInputProps {
    test_id: PaperTestId,
    batch_id: BatchId,
    section_id: TestSectionId,
    student_id: StudentId,
    initial: String,
    row: usize,
    col: usize,
    rows: usize,
    on_line: Callback<MarksLine>,
}

#[component]
fn MarkInput(p: &MarkInputProps) -> Html {
    let s = use_session();
    let text = use_state(|| p.initial.clone());
    let saved = use_state(|| p.initial.clone());
    let error = use_state(|| None::<ApiError>);
    // What the desk holds changed underneath (an import, grace): show it.
    {
        let (text, saved) = (text.clone(), saved.clone());
        use_effect_with(p.initial.clone(), move |initial| {
            text.set(initial.clone());
            saved.set(initial.clone());
        });
    }
    let id = format!("mark-{}-{}", p.row, p.col);
    // Saves when the text differs from what is saved; `then` runs after a
    // good answer (the next cell takes the focus).
    let save = {
        let (text, saved, error, s, on_line) =
            (text.clone(), saved.clone(), error.clone(), s.clone(), p.on_line.clone());
        let input = EnterMark {
            test_id: p.test_id,
            batch_id: p.batch_id,
            section_id: p.section_id,
            student_id: p.student_id,
            marks: String::new(),
        };
        Callback::from(move |then: Option<String>| {
            let typed = (*text).clone();
            let focus = move || {
                if let Some(next) = &then {
                    if let Some(el) =
                        web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(next))
                    {
                        let el: HtmlInputElement = wasm_bindgen::JsCast::unchecked_into(el);
                        let _ = el.focus();
                        el.select();
                    }
                }
            };
            if typed == *saved {
                return focus();
            }
            let (saved, on_line) = (saved.clone(), on_line.clone());
            act(EnterMark { marks: typed.clone(), ..input.clone() }, error.clone(), s.clone(), move |line| {
                saved.set(typed);
                on_line.emit(line);
                focus();
            });
        })
    };
    let onkeydown = {
        let save = save.clone();
        let next = (p.row + 1 < p.rows).then(|| format!("mark-{}-{}", p.row + 1, p.col));
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" {
                e.prevent_default();
                save.emit(next.clone());
            }
        })
    };
    let onchange = save.reform(|_: Event| None);
    let oninput = {
        let (text, error) = (text.clone(), error.clone());
        Callback::from(move |e: InputEvent| {
            error.set(None);
            text.set(e.target_unchecked_into::<HtmlInputElement>().value());
        })
    };
    html! {
        <>
            <input {id} class={classes!("mark", error.is_some().then_some("invalid"))} inputmode="decimal" autocomplete="off" aria-label="Marks"
                value={(*text).clone()} {oninput} {onkeydown} {onchange} aria-invalid={error.is_some().to_string()} />
            if let Some(e) = &*error { <div class="field-error" role="alert">{ &e.message }</div> }
        </>
    }
}

#[derive(Properties, PartialEq)]
struct RankListProps {
    test_id: PaperTestId,
    on_close: Callback<()>,
}

#[component]
fn RankListView(p: &RankListProps) -> Html {
    let s = use_session();
    let scope = use_state(RankScope::default);
    let (list, _) = use_query(GetRankList { test_id: p.test_id, scope: *scope });
    let mut options = vec![("all".to_owned(), "Every branch I see".to_owned())];
    options.extend(s.me.branches.iter().map(|b| (format!("branch:{}", b.id), b.name.clone())));
    if let Some(Ok(l)) = &list {
        options.extend(
            l.test
                .sittings
                .iter()
                .map(|st| (format!("batch:{}", st.batch_id), format!("{} only", st.batch_name))),
        );
    }
    let chosen = match *scope {
        RankScope::All => "all".to_owned(),
        RankScope::Branch(b) => format!("branch:{b}"),
        RankScope::Batch(b) => format!("batch:{b}"),
    };
    let on_scope = {
        let scope = scope.clone();
        Callback::from(move |v: String| {
            let parsed = match v.split_once(':') {
                Some(("branch", id)) => id.parse().ok().map(|u| RankScope::Branch(BranchId(u))),
                Some(("batch", id)) => id.parse().ok().map(|u| RankScope::Batch(BatchId(u))),
                _ => Some(RankScope::All),
            };
            if let Some(s) = parsed {
                scope.set(s);
            }
        })
    };
    html! {
        <div class="card" id="rank-list">
            <div class="toolbar">
                <h2>{ "Rank list" }</h2>
                <Select label="Ranked among" name="scope" value={chosen} {options} on_change={on_scope} />
                <button type="button" onclick={p.on_close.reform(|_: MouseEvent| ())}>{ "Close" }</button>
            </div>
            { show(&list, |l: &RankList| html! {
                <>
                    <p class="muted">{ format!("{}: {} ranked · highest {} · median {} · mean {} (out of {})",
                        l.test.name, l.lines.len(), marks::format(l.highest_hundredths), marks::format(l.median_hundredths),
                        marks::format(l.mean_hundredths), marks::format(l.test.max_hundredths)) }</p>
                    if l.lines.is_empty() {
                        <p class="empty">{ "No marks entered yet." }</p>
                    } else {
                        <Bands bands={l.bands.clone()} />
                        <table class="grid" id="rank-table">
                            <thead><tr><th>{ "Rank" }</th><th>{ "Student" }</th><th>{ "Branch" }</th><th>{ "Batch" }</th>
                                { for l.test.sections.iter().map(|s| html! { <th class="num">{ &s.name }</th> }) }
                                <th class="num">{ "Total" }</th><th class="num">{ "Percentile" }</th></tr></thead>
                            <tbody>{ for l.lines.iter().map(|r| html! {
                                <tr>
                                    <td>{ r.rank }</td>
                                    <td>{ &r.student_name }<span class="muted small">{ format!(" {}", r.student_code) }</span></td>
                                    <td>{ &r.branch_name }</td><td>{ &r.batch_name }</td>
                                    { for r.sections.iter().map(|m| html! { <td class="num">{ m.map(marks::format).unwrap_or_else(|| "A".into()) }</td> }) }
                                    <td class="num">{ marks::format(r.total_hundredths) }</td>
                                    <td class="num">{ percent(r.percentile_hundredths) }</td>
                                </tr>
                            }) }</tbody>
                        </table>
                    }
                    if !l.not_ranked.is_empty() {
                        <p class="muted small" id="not-ranked">{ format!("Not ranked (absent or no marks): {}", l.not_ranked.join(", ")) }</p>
                    }
                </>
            }) }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct BandsProps {
    pub bands: Vec<u32>,
}

/// How the class scored: students in each tenth of the maximum, as bars.
#[component]
pub fn Bands(p: &BandsProps) -> Html {
    let most = p.bands.iter().copied().max().unwrap_or(0).max(1);
    html! {
        <div class="bands" id="rank-bands" aria-label="Students in each tenth of the maximum marks">
            { for p.bands.iter().enumerate().map(|(i, n)| {
                // Heights in tenths (classes, not inline styles: the
                // content security policy allows none).
                let level = (u64::from(*n) * 10).div_ceil(u64::from(most));
                html! {
                    <div class="band" title={format!("{n} scored {}–{} %", i * 10, if i == 9 { 100 } else { i * 10 + 10 })}>
                        <span class="count">{ n }</span>
                        <div class={format!("bar h{level}")}></div>
                        <span class="muted small">{ format!("{}%", i * 10) }</span>
                    </div>
                }
            }) }
        </div>
    }
}
