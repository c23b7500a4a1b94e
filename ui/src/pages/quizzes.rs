//! Quizzes, inside Tests: set one from a course's bank (chosen questions,
//! or so many of a topic and difficulty drawn for each attempt), publish it
//! to a batch with its window, read the results with the item analysis,
//! mark the short answers no key matched, and release the results.

use crate::components::field::{DateField, Field, FormError, Select};
use crate::components::form::use_form;
use crate::components::session::use_session;
use crate::format::{clock, percent, when_text};
use crate::hooks::{act, show, use_query};
use branchdesk_api::commands::academics::{Course, ListCourses};
use branchdesk_api::commands::assessment::{Difficulty, ListQuestions, QuestionBank};
use branchdesk_api::commands::quizzes::*;
use branchdesk_api::commands::timetable::{Batch, ListBatches};
use branchdesk_api::ids::{BatchId, CourseId, QuestionId, QuizAttemptId, QuizId};
use branchdesk_api::{marks, ApiError};
use yew::prelude::*;

#[derive(Clone, PartialEq)]
enum View {
    List,
    Edit(Option<Quiz>),
    Publish(Quiz),
    Results(QuizId),
    Grade(QuizId),
    Review(QuizId, QuizAttemptId),
}

#[derive(Properties, PartialEq)]
pub struct QuizzesProps {
    pub on_close: Callback<()>,
}

#[component]
pub fn QuizzesPanel(p: &QuizzesProps) -> Html {
    let (quizzes, reload) = use_query(ListQuizzes {});
    let view = use_state(|| View::List);
    let go = |v: View| {
        let view = view.clone();
        Callback::from(move |_: MouseEvent| view.set(v.clone()))
    };
    let back = {
        let (view, reload) = (view.clone(), reload.clone());
        Callback::from(move |()| {
            view.set(View::List);
            reload.emit(());
        })
    };
    let body = match &*view {
        View::Edit(q) => html! { <QuizForm quiz={q.clone()} on_done={back.clone()} /> },
        View::Publish(q) => html! { <PublishForm quiz={q.clone()} on_done={back.clone()} /> },
        View::Results(q) => {
            let review = {
                let (view, q) = (view.clone(), *q);
                Callback::from(move |a: QuizAttemptId| view.set(View::Review(q, a)))
            };
            let grade = {
                let (view, q) = (view.clone(), *q);
                Callback::from(move |()| view.set(View::Grade(q)))
            };
            html! { <Results quiz_id={*q} on_review={review} on_grade={grade} on_close={back.clone()} /> }
        }
        View::Grade(q) => {
            let to_results = {
                let (view, q) = (view.clone(), *q);
                Callback::from(move |()| view.set(View::Results(q)))
            };
            html! { <GradingQueue quiz_id={*q} on_close={to_results} /> }
        }
        View::Review(q, a) => {
            let to_results = {
                let (view, q) = (view.clone(), *q);
                Callback::from(move |()| view.set(View::Results(q)))
            };
            html! { <super::take_quiz::AttemptReviewView attempt_id={*a} on_close={to_results} /> }
        }
        View::List => html! {},
    };
    html! {
        <div class="card" id="quizzes">
            <div class="toolbar">
                <h2>{ "Quizzes" }</h2>
                <button class="primary" id="new-quiz" onclick={go(View::Edit(None))}>{ "New quiz" }</button>
                <button type="button" onclick={p.on_close.reform(|_: MouseEvent| ())}>{ "Close" }</button>
            </div>
            { body }
            { show(&quizzes, |list: &Vec<Quiz>| {
                if list.is_empty() {
                    return html! { <p class="empty">{ "No quizzes yet. Import questions into a course's bank, then set a quiz from them with New quiz." }</p> };
                }
                html! {
                    <table class="grid" id="quizzes-table">
                        <thead><tr><th>{ "Quiz" }</th><th class="num">{ "Questions" }</th><th class="num">{ "Time" }</th><th>{ "Published to" }</th><th></th></tr></thead>
                        <tbody>{ for list.iter().map(|q| html! {
                            <tr key={q.id.to_string()}>
                                <td>{ &q.name }<div class="muted small">{ format!("{} · pass {} % · wrong choice −{} %{}", q.course_name, percent(q.pass_bp), percent(q.wrong_choice_penalty_bp), if q.draw.is_empty() { "" } else { " · drawn per attempt" }) }</div></td>
                                <td class="num">{ q.questions }</td>
                                <td class="num">{ format!("{} min", q.duration_minutes) }</td>
                                <td>
                                    { for q.publications.iter().map(|p| html! {
                                        <div class="small">{ format!("{}: {} of {} submitted · closes {}{}", p.batch_name, p.submitted, p.students, when_text(&p.closes_at), if p.released { " · released" } else { "" }) }</div>
                                    }) }
                                    if q.publications.is_empty() { <span class="muted small">{ "not published" }</span> }
                                </td>
                                <td class="row-actions">
                                    <button class="publish-quiz" onclick={go(View::Publish(q.clone()))}>{ "Publish" }</button>
                                    <button class="quiz-results" onclick={go(View::Results(q.id))}>{ "Results" }</button>
                                    if q.editable { <button onclick={go(View::Edit(Some(q.clone())))}>{ "Edit" }</button> }
                                </td>
                            </tr>
                        }) }</tbody>
                    </table>
                }
            }) }
        </div>
    }
}

#[derive(Clone, Default, PartialEq)]
struct QuizDraft {
    name: String,
    course: String,
    chosen: Vec<QuestionId>,
    drawing: bool,
    draw: Vec<DrawRule>,
    duration: String,
    attempts: String,
    pass: String,
    penalty: String,
    floor: bool,
    shuffle: bool,
}

#[derive(Properties, PartialEq)]
struct QuizFormProps {
    quiz: Option<Quiz>,
    on_done: Callback<()>,
}

const DRAW_FIELDS: [&str; 5] =
    ["draw.0.count", "draw.1.count", "draw.2.count", "draw.3.count", "draw.4.count"];

#[component]
fn QuizForm(p: &QuizFormProps) -> Html {
    let s = use_session();
    let form = use_form::<QuizDraft>();
    let error = use_state(|| None::<ApiError>);
    {
        let (form, quiz) = (form.clone(), p.quiz.clone());
        use_effect_with(quiz, move |quiz| {
            form.set(match quiz {
                Some(q) => QuizDraft {
                    name: q.name.clone(),
                    course: q.course_id.to_string(),
                    chosen: q.question_ids.clone(),
                    drawing: !q.draw.is_empty(),
                    draw: q.draw.clone(),
                    duration: q.duration_minutes.to_string(),
                    attempts: q.attempts_allowed.to_string(),
                    pass: percent(q.pass_bp),
                    penalty: percent(q.wrong_choice_penalty_bp),
                    floor: q.floor_at_zero,
                    shuffle: q.shuffle,
                },
                None => QuizDraft {
                    duration: "30".into(),
                    attempts: "1".into(),
                    pass: "40".into(),
                    penalty: "0".into(),
                    floor: true,
                    shuffle: true,
                    ..Default::default()
                },
            });
        });
    }
    let (courses, _) = use_query(ListCourses { include_inactive: false });
    let course_options: Vec<(String, String)> = match &courses {
        Some(Ok(list)) => {
            list.iter().map(|c: &Course| (c.id.to_string(), format!("{} ({})", c.name, c.code))).collect()
        }
        _ => vec![],
    };
    let course_id = form.course.parse().map(CourseId).unwrap_or_default();
    let (bank, _) = use_query(ListQuestions { course_id, topic: String::new() });
    let onsubmit = {
        let (form, error, s, done, id) =
            (form.clone(), error.clone(), s.clone(), p.on_done.clone(), p.quiz.as_ref().map(|q| q.id));
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let input = SaveQuiz {
                id,
                name: form.name.clone(),
                course_id: form.course.parse().map(CourseId).unwrap_or_default(),
                question_ids: if form.drawing { vec![] } else { form.chosen.clone() },
                draw: if form.drawing { form.draw.clone() } else { vec![] },
                duration_minutes: form.duration.clone(),
                attempts_allowed: form.attempts.clone(),
                pass_percent: form.pass.clone(),
                penalty_percent: form.penalty.clone(),
                floor_at_zero: form.floor,
                shuffle: form.shuffle,
            };
            let done = done.clone();
            act(input, error.clone(), s.clone(), move |_| done.emit(()));
        })
    };
    let err = (*error).clone();
    let toggle = |id: QuestionId| {
        let form = form.clone();
        Callback::from(move |_: Event| {
            let mut d = (*form).clone();
            match d.chosen.iter().position(|x| *x == id) {
                Some(i) => {
                    d.chosen.remove(i);
                }
                None => d.chosen.push(id),
            }
            form.set(d);
        })
    };
    let set_drawing = |on: bool| {
        let form = form.clone();
        Callback::from(move |_: Event| {
            let mut d = (*form).clone();
            d.drawing = on;
            if on && d.draw.is_empty() {
                d.draw.push(DrawRule { count: 5, ..Default::default() });
            }
            form.set(d);
        })
    };
    let add_rule = {
        let form = form.clone();
        Callback::from(move |_: MouseEvent| {
            let mut d = (*form).clone();
            if d.draw.len() < DRAW_FIELDS.len() {
                d.draw.push(DrawRule { count: 5, ..Default::default() });
            }
            form.set(d);
        })
    };
    // The fields shown beside their inputs; the rest (the questions, the
    // draw as a whole) show at the top of the form.
    let mut fields =
        vec!["name", "course_id", "duration_minutes", "attempts_allowed", "pass_percent", "penalty_percent"];
    fields.extend(DRAW_FIELDS.iter().take(form.draw.len()));
    let topics: Vec<(String, String)> = match &bank {
        Some(Ok(b)) => std::iter::once((String::new(), "Any topic".to_owned()))
            .chain(b.topics.iter().map(|(t, n)| (t.clone(), format!("{t} ({n})"))))
            .collect(),
        _ => vec![],
    };
    html! {
        <form class="card" id="quiz-form" {onsubmit}>
            <h3>{ if p.quiz.is_some() { "Change the quiz" } else { "New quiz" } }</h3>
            <FormError error={err.clone()} {fields} />
            <div class="row">
                <Field label="Quiz name" name="name" value={form.name.clone()} on_input={form.field(|f, v| f.name = v)} error={err.clone()} autofocus=true hint="e.g. Waves — weekly quiz" />
                <Select label="Course" name="course_id" value={form.course.clone()} options={course_options} on_change={form.field(|f, v| { f.course = v; f.chosen.clear(); })} none="Choose a course…" error={err.clone()} />
            </div>
            <div class="row">
                <Field label="Minutes" name="duration_minutes" value={form.duration.clone()} inputmode="numeric" on_input={form.field(|f, v| f.duration = v)} error={err.clone()} />
                <Field label="Attempts allowed" name="attempts_allowed" value={form.attempts.clone()} inputmode="numeric" on_input={form.field(|f, v| f.attempts = v)} error={err.clone()} />
                <Field label="Pass mark (%)" name="pass_percent" value={form.pass.clone()} inputmode="decimal" on_input={form.field(|f, v| f.pass = v)} error={err.clone()} />
                <Field label="Wrong choice costs (% of its marks)" name="penalty_percent" value={form.penalty.clone()} inputmode="decimal" on_input={form.field(|f, v| f.penalty = v)} error={err.clone()} hint="25 is the −1 of a 4-mark question" />
            </div>
            <div class="row checks">
                <label><input type="checkbox" id="quiz-shuffle" checked={form.shuffle} onchange={let f = form.clone(); move |_| { let mut d = (*f).clone(); d.shuffle = !d.shuffle; f.set(d); }} />{ " Shuffle questions and choices for each attempt" }</label>
                <label><input type="checkbox" id="quiz-floor" checked={form.floor} onchange={let f = form.clone(); move |_| { let mut d = (*f).clone(); d.floor = !d.floor; f.set(d); }} />{ " A total never goes below zero" }</label>
            </div>
            <div class="row checks">
                <label><input type="radio" name="selection" id="quiz-fixed" checked={!form.drawing} onchange={set_drawing(false)} />{ " Choose the questions" }</label>
                <label><input type="radio" name="selection" id="quiz-draw" checked={form.drawing} onchange={set_drawing(true)} />{ " Draw for each attempt by topic and difficulty" }</label>
            </div>
            if form.course.is_empty() {
                <p class="muted">{ "Choose the course whose bank the questions come from." }</p>
            } else if form.drawing {
                { for form.draw.iter().enumerate().map(|(i, r)| html! {
                    <div class="row" key={i}>
                        <Select label="Topic" name={format!("draw-topic-{i}")} value={r.topic.clone()} options={topics.clone()} on_change={form.field(move |f, v| f.draw[i].topic = v)} />
                        <Select label="Difficulty" name={format!("draw-difficulty-{i}")} value={r.difficulty.as_str()} options={Difficulty::VALUES.iter().map(|v| (v.to_string(), Difficulty::parse(v).map(|d| d.label().to_owned()).unwrap_or_default())).collect::<Vec<_>>()} on_change={form.field(move |f, v: String| f.draw[i].difficulty = Difficulty::parse(&v).unwrap_or_default())} />
                        <Field label="How many" name={DRAW_FIELDS[i]} value={r.count.to_string()} inputmode="numeric" on_input={form.field(move |f, v: String| f.draw[i].count = v.trim().parse().unwrap_or(0))} error={err.clone()} />
                    </div>
                }) }
                if form.draw.len() < DRAW_FIELDS.len() { <button type="button" onclick={add_rule}>{ "Draw from another topic" }</button> }
            } else {
                { show(&bank, |b: &QuestionBank| {
                    if b.questions.is_empty() {
                        return html! { <p class="empty">{ "This course's bank is empty: import questions with Question bank first." }</p> };
                    }
                    html! {
                        <div class="question-picker" id="quiz-questions">
                            <p class="muted small">{ format!("{} of {} chosen", form.chosen.len(), b.questions.len()) }</p>
                            <ul class="plain">
                                { for b.questions.iter().map(|q| html! {
                                    <li key={q.id.to_string()}>
                                        <label><input type="checkbox" checked={form.chosen.contains(&q.id)} onchange={toggle(q.id)} />
                                            { format!(" {} ", q.text) }<span class="muted small">{ format!("{} · {} · {}", q.topic, q.kind.label(), marks::format(q.points_hundredths)) }</span></label>
                                    </li>
                                }) }
                            </ul>
                        </div>
                    }
                }) }
            }
            <div class="actions">
                <button type="submit" class="primary" id="quiz-save">{ "Save quiz" }</button>
                <button type="button" onclick={p.on_done.reform(|_| ())}>{ "Cancel" }</button>
            </div>
        </form>
    }
}

#[derive(Clone, Default, PartialEq)]
struct PublishDraft {
    batch: String,
    opens_on: String,
    opens_time: String,
    closes_on: String,
    closes_time: String,
}

#[derive(Properties, PartialEq)]
struct PublishProps {
    quiz: Quiz,
    on_done: Callback<()>,
}

#[component]
fn PublishForm(p: &PublishProps) -> Html {
    let s = use_session();
    let form = use_form::<PublishDraft>();
    let error = use_state(|| None::<ApiError>);
    let branch = s.me.branches.first().map(|b| b.id).unwrap_or_default();
    let (batches, _) = use_query(ListBatches { branch_id: branch, include_inactive: false });
    let options: Vec<(String, String)> = match &batches {
        Some(Ok(list)) => list.iter().map(|b: &Batch| (b.id.to_string(), b.name.clone())).collect(),
        _ => vec![],
    };
    let onsubmit = {
        let (form, error, s, done, quiz) =
            (form.clone(), error.clone(), s.clone(), p.on_done.clone(), p.quiz.id);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let input = PublishQuiz {
                quiz_id: quiz,
                batch_id: form.batch.parse().map(BatchId).unwrap_or_default(),
                opens_on: form.opens_on.clone(),
                opens_time: form.opens_time.clone(),
                closes_on: form.closes_on.clone(),
                closes_time: form.closes_time.clone(),
            };
            let done = done.clone();
            act(input, error.clone(), s.clone(), move |_| done.emit(()));
        })
    };
    let err = (*error).clone();
    html! {
        <form class="card" id="publish-form" {onsubmit}>
            <h3>{ format!("Publish {}", p.quiz.name) }</h3>
            <FormError error={err.clone()} fields={vec!["batch_id", "opens_on", "opens_time", "closes_on", "closes_time"]} />
            <div class="row">
                <Select label="To batch" name="batch_id" value={form.batch.clone()} {options} on_change={form.field(|f, v| f.batch = v)} none="Choose a batch…" error={err.clone()} />
            </div>
            <div class="row">
                <DateField label="Opens on" name="opens_on" value={form.opens_on.clone()} on_input={form.field(|f, v| f.opens_on = v)} error={err.clone()} />
                <Field label="at" name="opens_time" value={form.opens_time.clone()} placeholder="HH:MM" on_input={form.field(|f, v| f.opens_time = v)} error={err.clone()} hint="empty: the start of the day" />
                <DateField label="Closes on" name="closes_on" value={form.closes_on.clone()} on_input={form.field(|f, v| f.closes_on = v)} error={err.clone()} />
                <Field label="at" name="closes_time" value={form.closes_time.clone()} placeholder="HH:MM" on_input={form.field(|f, v| f.closes_time = v)} error={err.clone()} hint="empty: the end of the day" />
            </div>
            <div class="actions">
                <button type="submit" class="primary" id="publish-save">{ "Publish" }</button>
                <button type="button" onclick={p.on_done.reform(|_| ())}>{ "Cancel" }</button>
            </div>
        </form>
    }
}

#[derive(Properties, PartialEq)]
struct ResultsProps {
    quiz_id: QuizId,
    on_review: Callback<QuizAttemptId>,
    on_grade: Callback<()>,
    on_close: Callback<()>,
}

#[component]
fn Results(p: &ResultsProps) -> Html {
    let s = use_session();
    let (results, reload) = use_query(GetQuizResults { quiz_id: p.quiz_id, batch_id: None });
    let error = use_state(|| None::<ApiError>);
    let release = |batch: BatchId| {
        let (error, s, reload, quiz) = (error.clone(), s.clone(), reload.clone(), p.quiz_id);
        Callback::from(move |_: MouseEvent| {
            let reload = reload.clone();
            act(ReleaseQuizResults { quiz_id: quiz, batch_id: batch }, error.clone(), s.clone(), move |_| {
                reload.emit(())
            });
        })
    };
    let close = p.on_close.reform(|_: MouseEvent| ());
    html! {
        <div class="card" id="quiz-results">
            { show(&results, |r: &QuizResults| html! {
                <>
                    <div class="toolbar">
                        <h3>{ format!("Results — {}", r.quiz.name) }</h3>
                        if r.to_grade > 0 { <button class="primary" id="grade-open" onclick={p.on_grade.reform(|_| ())}>{ format!("Mark short answers ({})", r.to_grade) }</button> }
                        { for r.quiz.publications.iter().filter(|p| !p.released).map(|pb| html! {
                            <button class="release-results" onclick={release(pb.batch_id)}>{ format!("Release to {}", pb.batch_name) }</button>
                        }) }
                        <button onclick={close.clone()}>{ "Close" }</button>
                    </div>
                    if let Some(e) = &*error { <div class="form-error" role="alert">{ &e.message }</div> }
                    if r.attempts.is_empty() {
                        <p class="empty">{ "No attempts yet." }</p>
                    } else {
                        <p class="muted" id="quiz-summary">{ format!("Best attempt per student: highest {} · median {} · mean {} (out of {})", marks::format(r.highest_hundredths), marks::format(r.median_hundredths), marks::format(r.mean_hundredths), marks::format(r.max_hundredths)) }</p>
                        <super::tests::Bands bands={r.bands.clone()} />
                        <table class="grid" id="quiz-attempts">
                            <thead><tr><th>{ "Student" }</th><th>{ "Batch" }</th><th class="num">{ "Attempt" }</th><th class="num">{ "Score" }</th><th class="num">{ "%" }</th><th>{ "Result" }</th><th class="num">{ "Time" }</th><th></th></tr></thead>
                            <tbody>{ for r.attempts.iter().map(|a| html! {
                                <tr key={a.attempt_id.to_string()}>
                                    <td>{ &a.student_name }<span class="muted small">{ format!(" {}", a.student_code) }</span>
                                        if a.several_desks { <span class="tag" title="Answers were given on more than one desk">{ "two desks" }</span> }</td>
                                    <td>{ &a.batch_name }</td>
                                    <td class="num">{ a.number }</td>
                                    <td class="num">{ format!("{} / {}", marks::format(a.score.score_hundredths), marks::format(a.score.max_hundredths)) }</td>
                                    <td class="num">{ percent(a.score.percent_bp) }</td>
                                    <td>{ if !a.submitted { html! { <span class="muted">{ "taking it" }</span> } } else if a.score.ungraded > 0 { html! { <span class="tag">{ "to mark" }</span> } } else if a.score.passed { html! { <span class="tag ok">{ "passed" }</span> } } else { html! { <span class="tag bad">{ "not passed" }</span> } } }</td>
                                    <td class="num">{ clock(a.time_used_ms) }</td>
                                    <td><button class="review-attempt" onclick={let (cb, id) = (p.on_review.clone(), a.attempt_id); move |_| cb.emit(id)}>{ "Review" }</button></td>
                                </tr>
                            }) }</tbody>
                        </table>
                        <h3>{ "Questions" }</h3>
                        <table class="grid" id="item-analysis">
                            <thead><tr><th>{ "Question" }</th><th class="num">{ "Met" }</th><th class="num">{ "Right (%)" }</th><th class="num">{ "Top − bottom" }</th><th>{ "Review" }</th></tr></thead>
                            <tbody>{ for r.items.iter().map(|i| html! {
                                <tr key={i.question_id.to_string()} class={classes!(i.review.is_some().then_some("flagged"))}>
                                    <td>{ &i.text }</td>
                                    <td class="num">{ i.answered }</td>
                                    <td class="num">{ percent(i.right_bp) }</td>
                                    <td class="num">{ format!("{:+.2}", f64::from(i.discrimination_bp) / 10_000.0) }</td>
                                    <td class="small">{ i.review.clone().unwrap_or_default() }</td>
                                </tr>
                            }) }</tbody>
                        </table>
                    }
                </>
            }) }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct GradingProps {
    quiz_id: QuizId,
    on_close: Callback<()>,
}

/// Short answers waiting for marks, one per row: type the marks (and a
/// comment), Enter saves and goes to the next.
#[component]
fn GradingQueue(p: &GradingProps) -> Html {
    let s = use_session();
    let (queue, reload) = use_query(ListAnswersToGrade { quiz_id: p.quiz_id });
    let error = use_state(|| None::<ApiError>);
    let marks_typed = use_state(String::new);
    let comment = use_state(String::new);
    let close = p.on_close.reform(|_: MouseEvent| ());
    show(&queue, |list: &Vec<AnswerToGrade>| {
        let Some(first) = list.first().cloned() else {
            return html! {
                <div class="card" id="grading">
                    <p class="empty">{ "Every short answer is marked." }</p>
                    <button onclick={close.clone()}>{ "Back to the results" }</button>
                </div>
            };
        };
        let onsubmit = {
            let (error, s, reload, marks_typed, comment) =
                (error.clone(), s.clone(), reload.clone(), marks_typed.clone(), comment.clone());
            Callback::from(move |e: SubmitEvent| {
                e.prevent_default();
                let input = GradeAnswer {
                    attempt_id: first.attempt_id,
                    question_id: first.question_id,
                    marks: (*marks_typed).clone(),
                    comment: (*comment).clone(),
                };
                let (reload, marks_typed, comment) = (reload.clone(), marks_typed.clone(), comment.clone());
                act(input, error.clone(), s.clone(), move |_| {
                    marks_typed.set(String::new());
                    comment.set(String::new());
                    reload.emit(());
                });
            })
        };
        let err = (*error).clone();
        html! {
            <form class="card" id="grading" {onsubmit} key={format!("{}-{}", first.attempt_id, first.question_id)}>
                <div class="toolbar">
                    <h3>{ format!("Short answers to mark: {} left", list.len()) }</h3>
                    <button type="button" onclick={close.clone()}>{ "Back to the results" }</button>
                </div>
                <p><strong>{ &first.student_name }</strong>{ format!(" — {}", first.question) }</p>
                <p class="typed-answer" id="answer-typed">{ &first.typed }</p>
                <p class="muted small">{ format!("Accepted answers: {} · worth {}", first.accepted.join(", "), marks::format(first.points_hundredths)) }</p>
                <FormError error={err.clone()} fields={vec!["marks", "comment"]} />
                <div class="row">
                    <Field label="Marks" name="marks" value={(*marks_typed).clone()} inputmode="decimal" autofocus=true on_input={let m = marks_typed.clone(); Callback::from(move |v| m.set(v))} error={err.clone()} />
                    <Field label="Comment (optional)" name="comment" value={(*comment).clone()} on_input={let c = comment.clone(); Callback::from(move |v| c.set(v))} error={err.clone()} />
                </div>
                <div class="actions"><button type="submit" class="primary" id="grade-save">{ "Save and next " }<kbd>{ "Enter" }</kbd></button></div>
            </form>
        }
    })
}
