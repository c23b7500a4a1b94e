//! A course's question bank, inside Tests: import a GIFT, Aiken or CSV
//! file (checked first, every problem by line; then imported whole), the
//! topics with their questions, and the bank saved as GIFT.

use crate::components::field::Select;
use crate::components::session::use_session;
use crate::components::text_file::{use_text_file, ImportFindings};
use crate::hooks::{act, show, use_query};
use crate::invoke::call;
use branchdesk_api::commands::academics::{Course, ListCourses};
use branchdesk_api::commands::assessment::*;
use branchdesk_api::commands::imports::{ImportReport, SavedFile};
use branchdesk_api::ids::CourseId;
use branchdesk_api::{marks, ApiError};
use web_sys::HtmlInputElement;
use yew::platform::spawn_local;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct QuestionBankProps {
    pub on_close: Callback<()>,
}

#[component]
pub fn QuestionBankPanel(p: &QuestionBankProps) -> Html {
    let (courses, _) = use_query(ListCourses { include_inactive: false });
    let course = use_state(String::new);
    let options: Vec<(String, String)> = match &courses {
        Some(Ok(list)) => {
            list.iter().map(|c: &Course| (c.id.to_string(), format!("{} ({})", c.name, c.code))).collect()
        }
        _ => vec![],
    };
    let on_course = {
        let course = course.clone();
        Callback::from(move |v: String| course.set(v))
    };
    html! {
        <div class="card" id="question-bank">
            <div class="toolbar">
                <h2>{ "Question bank" }</h2>
                <Select label="Course" name="course_id" value={(*course).clone()} {options} on_change={on_course} none="Choose a course…" />
                <button type="button" onclick={p.on_close.reform(|_: MouseEvent| ())}>{ "Close" }</button>
            </div>
            if let Ok(id) = course.parse() {
                <Bank course_id={CourseId(id)} />
            } else {
                <p class="muted">{ "Questions are kept per course: choose one to see its bank or import into it." }</p>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct BankProps {
    course_id: CourseId,
}

/// The format a file is in, from its name and first lines.
fn format_of(name: &str, text: &str) -> BankFormat {
    let lower = name.to_lowercase();
    if lower.ends_with(".csv") {
        BankFormat::Csv
    } else if text.lines().any(|l| l.trim_start().starts_with("ANSWER:")) && !text.contains('{') {
        BankFormat::Aiken
    } else {
        BankFormat::Gift
    }
}

#[component]
fn Bank(p: &BankProps) -> Html {
    let s = use_session();
    let topic = use_state(String::new);
    let (bank, reload) = use_query(ListQuestions { course_id: p.course_id, topic: (*topic).clone() });
    let report = use_state(|| None::<ImportReport>);
    let error = use_state(|| None::<ApiError>);
    let (file, on_file) = use_text_file(error.clone(), report.clone());
    let saved = use_state(|| None::<SavedFile>);
    let points = use_state(|| "1".to_owned());
    let run = |commit: bool| {
        let (file, report, error, s, reload, points, course) = (
            file.clone(),
            report.clone(),
            error.clone(),
            s.clone(),
            reload.clone(),
            points.clone(),
            p.course_id,
        );
        Callback::from(move |_: MouseEvent| {
            let Some((name, text)) = (*file).clone() else {
                return error
                    .set(Some(ApiError::invalid("content", "Choose a GIFT, Aiken or CSV file first.")));
            };
            let input = ImportQuestions {
                course_id: course,
                format: format_of(&name, &text),
                content: text,
                points: (*points).clone(),
                commit,
            };
            let (report, error, s, reload) = (report.clone(), error.clone(), s.clone(), reload.clone());
            spawn_local(async move {
                match call(&input).await {
                    Ok(r) => {
                        error.set(None);
                        if commit {
                            s.changed.emit(());
                            reload.emit(());
                        }
                        report.set(Some(r));
                    }
                    Err(e) => error.set(Some(s.check(e))),
                }
            });
        })
    };
    let export = {
        let (saved, error, s, course) = (saved.clone(), error.clone(), s.clone(), p.course_id);
        Callback::from(move |_: MouseEvent| {
            let saved = saved.clone();
            act(ExportQuestions { course_id: course }, error.clone(), s.clone(), move |f| saved.set(Some(f)));
        })
    };
    let on_points = {
        let points = points.clone();
        Callback::from(move |e: InputEvent| points.set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let chosen = (*file).as_ref().map(|(name, text)| (name.clone(), format_of(name, text)));
    html! {
        <>
            <div class="bank-import">
                <label for="bank-file">{ "Import questions " }</label>
                <input type="file" id="bank-file" accept=".gift,.txt,.csv,text/plain,text/csv" onchange={on_file} />
                if let Some((name, format)) = &chosen { <span class="muted">{ format!(" {name} ({})", format.label()) }</span> }
                <label for="bank-points">{ " Marks each " }</label>
                <input id="bank-points" class="short" inputmode="decimal" value={(*points).clone()} oninput={on_points} aria-label="Marks each question is worth" />
                <button type="button" id="bank-check" onclick={run(false)}>{ "Check the file" }</button>
                if let Some(r) = &*report {
                    if r.errors.is_empty() && r.written == 0 {
                        <button type="button" class="primary" id="bank-commit" onclick={run(true)}>{ format!("Import {} questions", r.rows) }</button>
                    }
                }
                <button type="button" id="bank-export" onclick={export}>{ "Save the bank as GIFT" }</button>
            </div>
            if let Some(e) = &*error { <div class="form-error" role="alert" id="bank-error">{ &e.message }</div> }
            if let Some(f) = &*saved { <p class="notice success">{ format!("{} questions saved to {}", f.rows, f.path) }</p> }
            if let Some(r) = &*report {
                <ImportFindings report={r.clone()} things="questions" place="Line" id="bank-report" />
            }
            { show(&bank, |b: &QuestionBank| {
                if b.topics.is_empty() {
                    return html! { <p class="empty">{ "No questions in this course yet. Import a GIFT, Aiken or CSV file above." }</p> };
                }
                let pick = |t: String| { let topic = topic.clone(); Callback::from(move |_: MouseEvent| topic.set(t.clone())) };
                html! {
                    <>
                        <div class="toolbar" id="bank-topics">
                            <button class={classes!("link", topic.is_empty().then_some("current"))} onclick={pick(String::new())}>
                                { format!("All ({})", b.topics.iter().map(|t| t.1).sum::<u32>()) }</button>
                            { for b.topics.iter().map(|(t, n)| html! {
                                <button class={classes!("link", (*topic == *t).then_some("current"))} onclick={pick(t.clone())}>
                                    { format!("{} ({n})", if t.is_empty() { "No topic" } else { t.as_str() }) }</button>
                            }) }
                        </div>
                        <table class="grid" id="bank-questions">
                            <thead><tr><th>{ "Question" }</th><th>{ "Kind" }</th><th>{ "Answer" }</th><th class="num">{ "Marks" }</th><th>{ "Picture" }</th></tr></thead>
                            <tbody>{ for b.questions.iter().map(|q| html! {
                                <tr>
                                    <td>{ &q.text }if !q.topic.is_empty() { <div class="muted small">{ format!("{} · {}", q.topic, q.difficulty.label()) }</div> }</td>
                                    <td>{ q.kind.label() }</td>
                                    <td>{ q.options.iter().filter(|o| o.weight_bp > 0).map(|o| o.text.clone()).collect::<Vec<_>>().join(", ") }</td>
                                    <td class="num">{ marks::format(q.points_hundredths) }</td>
                                    <td><QuestionPicture question={q.clone()} on_set={reload.clone()} error={error.clone()} /></td>
                                </tr>
                            }) }</tbody>
                        </table>
                    </>
                }
            }) }
        </>
    }
}

#[derive(Properties, PartialEq)]
struct PictureProps {
    question: Question,
    on_set: Callback<()>,
    error: UseStateHandle<Option<ApiError>>,
}

/// A question's picture: shown small, chosen (JPEG or PNG) or taken away.
#[component]
fn QuestionPicture(p: &PictureProps) -> Html {
    let s = use_session();
    let set = {
        let (error, s, done, id) = (p.error.clone(), s.clone(), p.on_set.clone(), p.question.id);
        move |b64: String| {
            let done = done.clone();
            act(SetQuestionImage { question_id: id, image_b64: b64 }, error.clone(), s.clone(), move |_| {
                done.emit(())
            });
        }
    };
    let chosen = {
        let set = set.clone();
        Callback::from(move |f: Option<(String, String)>| {
            if let Some((_, b64)) = f {
                set(b64);
            }
        })
    };
    let on_file =
        crate::components::field::pick_file(chosen, p.error.clone(), MAX_QUESTION_IMAGE_BYTES, "image_b64");
    let id = format!("picture-{}", p.question.id);
    html! {
        <span class="question-picture">
            if let Some(src) = &p.question.image {
                <img class="thumb" src={src.clone()} alt="The question's picture" />
                <button type="button" class="link" onclick={move |_| set(String::new())}>{ "Remove" }</button>
            }
            <label for={id.clone()} class="link">{ if p.question.image.is_some() { "Change" } else { "Add" } }</label>
            <input type="file" class="visually-hidden" id={id} accept="image/png,image/jpeg" onchange={on_file} />
        </span>
    }
}
