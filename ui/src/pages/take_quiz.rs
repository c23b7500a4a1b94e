//! A student's quizzes (on their Today page): the list, taking one from
//! the keyboard (1–9 choose, Space ticks the choice under the cursor, ↑ ↓
//! move it, N / P next and previous, F flags), the time left by the desk's
//! own clock, and the review once the results are released.

use crate::format::{clock, percent, when_text};
use crate::hooks::{show, use_query};
use crate::invoke::call;
use branchdesk_api::commands::assessment::QuestionKind;
use branchdesk_api::commands::quizzes::*;
use branchdesk_api::ids::{QuizAttemptId, QuizId};
use branchdesk_api::marks;
use branchdesk_api::ApiError;
use std::cell::RefCell;
use std::rc::Rc;
use yew::platform::spawn_local;
use yew::prelude::*;

/// How often the time used is saved while nothing is answered.
const SAVE_EVERY_S: u32 = 5;

#[derive(Clone, PartialEq)]
enum Mode {
    List,
    Taking(QuizId),
    Review(QuizAttemptId),
}

#[component]
pub fn MyQuizzesCard() -> Html {
    let mode = use_state(|| Mode::List);
    let (list, reload) = use_query(ListMyQuizzes {});
    let back = {
        let (mode, reload) = (mode.clone(), reload.clone());
        Callback::from(move |()| {
            mode.set(Mode::List);
            reload.emit(());
        })
    };
    match &*mode {
        Mode::Taking(q) => return html! { <TakeQuiz quiz_id={*q} on_done={back} /> },
        Mode::Review(a) => return html! { <AttemptReviewView attempt_id={*a} on_close={back} /> },
        Mode::List => {}
    }
    let go = |m: Mode| {
        let mode = mode.clone();
        Callback::from(move |_: MouseEvent| mode.set(m.clone()))
    };
    html! {
        <div class="card" id="my-quizzes">
            <h2>{ "Your quizzes" }</h2>
            { show(&list, |list: &Vec<MyQuiz>| {
                if list.is_empty() {
                    return html! { <p class="empty">{ "No quizzes for your batches yet. Your teacher publishes them here." }</p> };
                }
                html! {
                    <table class="grid" id="my-quizzes-table">
                        <thead><tr><th>{ "Quiz" }</th><th>{ "Open" }</th><th class="num">{ "Time" }</th><th class="num">{ "Attempts" }</th><th>{ "Score" }</th><th></th></tr></thead>
                        <tbody>{ for list.iter().map(|q| html! {
                            <tr key={q.quiz_id.to_string()}>
                                <td>{ &q.name }<div class="muted small">{ format!("{} · {} · {} questions", q.course_name, q.batch_name, q.questions) }</div></td>
                                <td class="small">{ format!("{} – {}", when_text(&q.opens_at), when_text(&q.closes_at)) }</td>
                                <td class="num">{ format!("{} min", q.duration_minutes) }</td>
                                <td class="num">{ format!("{} of {}", q.attempts_used, q.attempts_allowed) }</td>
                                <td>{ match q.best {
                                    Some(b) => html! { <span class={classes!("tag", if b.passed { "ok" } else { "bad" })}>{ format!("{} / {} ({} %)", marks::format(b.score_hundredths), marks::format(b.max_hundredths), percent(b.percent_bp)) }</span> },
                                    None if q.attempts_used > 0 && q.in_progress.is_none() => html! { <span class="muted small">{ "after release" }</span> },
                                    None => html! {},
                                } }</td>
                                <td class="row-actions">{ match q.state {
                                    QuizState::Open => html! { <button class="primary start-quiz" onclick={go(Mode::Taking(q.quiz_id))}>{ if q.attempts_used == 0 { "Start" } else { "Try again" } }</button> },
                                    QuizState::InProgress => html! { <button class="primary start-quiz" onclick={go(Mode::Taking(q.quiz_id))}>{ "Resume" }</button> },
                                    QuizState::Upcoming => html! { <span class="muted small">{ "not open yet" }</span> },
                                    QuizState::Done | QuizState::Closed => q.reviewable.iter().enumerate().map(|(i, a)| html! {
                                        <button class="review-attempt" onclick={go(Mode::Review(*a))}>{ if q.reviewable.len() > 1 { format!("Review attempt {}", i + 1) } else { "Review".into() } }</button>
                                    }).collect::<Html>(),
                                } }</td>
                            </tr>
                        }) }</tbody>
                    </table>
                }
            }) }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct TakeProps {
    quiz_id: QuizId,
    on_done: Callback<()>,
}

/// What the browser clock says now, in ms: only to count down between the
/// desk's answers (each save brings the desk's own figure back).
fn now_ms() -> f64 {
    js_sys::Date::now()
}

#[component]
fn TakeQuiz(p: &TakeProps) -> Html {
    let attempt = use_state(|| None::<Attempt>);
    let error = use_state(|| None::<ApiError>);
    let at = use_state(|| 0usize);
    let cursor = use_state(|| 0usize);
    let submitted = use_state(|| false);
    let confirming = use_state(|| false);
    // The moment the time runs out by the browser's clock, reset from the
    // desk's figure after every save; and what the timer needs to read.
    let deadline = use_mut_ref(|| 0f64);
    let position = use_mut_ref(|| 0u32);
    let tick = use_state(|| 0u32);
    let root = use_node_ref();
    {
        let (attempt, error, deadline, at, position) =
            (attempt.clone(), error.clone(), deadline.clone(), at.clone(), position.clone());
        use_effect_with(p.quiz_id, move |q| {
            let q = *q;
            spawn_local(async move {
                match call(&StartQuizAttempt { quiz_id: q }).await {
                    Ok(a) => {
                        *deadline.borrow_mut() = now_ms() + a.remaining_ms as f64;
                        *position.borrow_mut() = a.position;
                        at.set(a.position as usize);
                        attempt.set(Some(a));
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        });
    }
    let attempt_id = attempt.as_ref().map(|a| a.id);
    let progress = {
        let (deadline, submitted) = (deadline.clone(), submitted.clone());
        Rc::new(move |p: AttemptProgress| {
            *deadline.borrow_mut() = now_ms() + p.remaining_ms as f64;
            if p.submitted {
                submitted.set(true);
            }
        })
    };
    // The timer: a tick a second; the time saved every few seconds; at
    // zero the attempt is submitted.
    {
        let (tick, deadline, position, submitted, progress) =
            (tick.clone(), deadline.clone(), position.clone(), submitted.clone(), progress.clone());
        use_effect_with(attempt_id, move |id| {
            let id = *id;
            let count = Rc::new(RefCell::new(0u32));
            let interval = id.map(|id| {
                gloo_timers::callback::Interval::new(1_000, move || {
                    if *submitted {
                        return;
                    }
                    let n = {
                        let mut c = count.borrow_mut();
                        *c += 1;
                        *c
                    };
                    tick.set(n);
                    let out = *deadline.borrow() <= now_ms();
                    if out || n % SAVE_EVERY_S == 0 {
                        let (progress, pos) = (progress.clone(), *position.borrow());
                        spawn_local(async move {
                            let r = if out {
                                call(&SubmitQuizAttempt { attempt_id: id }).await
                            } else {
                                call(&SaveAttemptTime { attempt_id: id, position: pos }).await
                            };
                            if let Ok(p) = r {
                                progress(p);
                            }
                        });
                    }
                })
            });
            move || drop(interval)
        });
    }
    {
        let root = root.clone();
        use_effect_with(attempt_id, move |_| {
            if let Some(el) = root.cast::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        });
    }
    let Some(a) = (*attempt).clone() else {
        return html! {
            <div class="card" id="take-quiz">
                if let Some(e) = &*error { <div class="form-error" role="alert">{ &e.message }</div> } else { <p class="muted">{ "Opening the quiz…" }</p> }
                <button onclick={p.on_done.reform(|_| ())}>{ "Back to your quizzes" }</button>
            </div>
        };
    };
    if *submitted || a.submitted {
        return html! {
            <div class="card" id="take-quiz">
                <h2>{ &a.quiz_name }</h2>
                <p id="quiz-submitted">{ "Submitted. Your score shows on your quizzes once your teacher releases the results." }</p>
                <button class="primary" id="quiz-back" onclick={p.on_done.reform(|_| ())}>{ "Back to your quizzes" }</button>
            </div>
        };
    }
    let n = a.questions.len();
    let i = (*at).min(n.saturating_sub(1));
    let q = a.questions[i].clone();
    // Saves question `k` as it now stands and shows it in place.
    let save = {
        let (attempt, error, progress, at) = (attempt.clone(), error.clone(), progress.clone(), at.clone());
        Rc::new(move |k: usize, updated: AttemptQuestion| {
            let Some(mut a) = (*attempt).clone() else { return };
            let input = AnswerQuestion {
                attempt_id: a.id,
                question: k as u32,
                chosen: updated.chosen.clone(),
                typed: updated.typed.clone(),
                flagged: updated.flagged,
                position: *at as u32,
            };
            a.questions[k] = AttemptQuestion { seen: true, ..updated };
            attempt.set(Some(a));
            let (error, progress) = (error.clone(), progress.clone());
            spawn_local(async move {
                match call(&input).await {
                    Ok(p) => {
                        error.set(None);
                        progress(p);
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let goto = {
        let (at, cursor, position, attempt, progress) =
            (at.clone(), cursor.clone(), position.clone(), attempt.clone(), progress.clone());
        Rc::new(move |k: usize| {
            let Some(mut a) = (*attempt).clone() else { return };
            let k = k.min(a.questions.len().saturating_sub(1));
            at.set(k);
            cursor.set(0);
            *position.borrow_mut() = k as u32;
            if !a.questions[k].seen {
                a.questions[k].seen = true;
                attempt.set(Some(a.clone()));
            }
            let (id, progress) = (a.id, progress.clone());
            spawn_local(async move {
                if let Ok(p) = call(&SaveAttemptTime { attempt_id: id, position: k as u32 }).await {
                    progress(p);
                }
            });
        })
    };
    // Chooses (or for several answers ticks) choice `c` of this question.
    let choose = {
        let (save, q) = (save.clone(), q.clone());
        Rc::new(move |c: u32| {
            let mut u = q.clone();
            if q.kind == QuestionKind::MultipleSelect {
                if let Some(pos) = u.chosen.iter().position(|x| *x == c) {
                    u.chosen.remove(pos);
                } else {
                    u.chosen.push(c);
                    u.chosen.sort_unstable();
                }
            } else {
                u.chosen = vec![c];
            }
            save(i, u);
        })
    };
    let onkeydown = {
        let (choose, goto, save, q, cursor, confirming) =
            (choose.clone(), goto.clone(), save.clone(), q.clone(), cursor.clone(), confirming.clone());
        Callback::from(move |e: KeyboardEvent| {
            let typing = e
                .target()
                .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(t).ok())
                .is_some();
            if typing || e.ctrl_key() || e.alt_key() || e.meta_key() || *confirming {
                return;
            }
            let key = e.key();
            let options = q.options.len();
            match key.as_str() {
                "n" | "N" | "ArrowRight" => goto(i + 1),
                "p" | "P" | "ArrowLeft" => goto(i.saturating_sub(1)),
                "f" | "F" => save(i, AttemptQuestion { flagged: !q.flagged, ..q.clone() }),
                "ArrowDown" if options > 0 => cursor.set((*cursor + 1).min(options - 1)),
                "ArrowUp" => cursor.set(cursor.saturating_sub(1)),
                " " if options > 0 => choose((*cursor).min(options - 1) as u32),
                k => {
                    let Some(d) = k.chars().next().and_then(|c| c.to_digit(10)).filter(|_| k.len() == 1)
                    else {
                        return;
                    };
                    if d == 0 || d as usize > options {
                        return;
                    }
                    cursor.set(d as usize - 1);
                    choose(d - 1);
                }
            }
            e.prevent_default();
        })
    };
    let remaining = (*deadline.borrow() - now_ms()).max(0.0) as u64;
    let _ = *tick;
    let answered = |x: &AttemptQuestion| !x.chosen.is_empty() || !x.typed.trim().is_empty();
    let unanswered = a.questions.iter().filter(|x| !answered(x)).count();
    let submit = {
        let (error, progress) = (error.clone(), progress.clone());
        let id = a.id;
        Callback::from(move |()| {
            let (error, progress) = (error.clone(), progress.clone());
            spawn_local(async move {
                match call(&SubmitQuizAttempt { attempt_id: id }).await {
                    Ok(p) => progress(p),
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let typed_change = {
        let (save, q) = (save.clone(), q.clone());
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<web_sys::HtmlInputElement>().value();
            if v != q.typed {
                save(i, AttemptQuestion { typed: v, ..q.clone() });
            }
        })
    };
    let typed_keys = {
        let goto = goto.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" {
                e.prevent_default();
                if let Some(el) =
                    e.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(t).ok())
                {
                    let _ = el.blur();
                }
                goto(i + 1);
            }
        })
    };
    html! {
        <div class="card quiz" id="take-quiz" tabindex="0" ref={root} {onkeydown}>
            <div class="toolbar">
                <h2>{ format!("{} — attempt {}", a.quiz_name, a.number) }</h2>
                <span class={classes!("quiz-clock", (remaining < 60_000).then_some("low"))} id="quiz-clock" aria-live="off" title="Time left">{ clock(remaining) }</span>
            </div>
            <nav class="slots" id="quiz-palette" aria-label="Questions">
                { for a.questions.iter().enumerate().map(|(k, x)| {
                    let state = if x.flagged { "flagged" } else if answered(x) { "answered" } else if x.seen { "seen" } else { "unseen" };
                    let goto = goto.clone();
                    html! {
                        <button type="button" class={classes!("slot", state, (k == i).then_some("current"))} title={format!("Question {}: {state}", k + 1)} onclick={move |_| goto(k)}>{ k + 1 }</button>
                    }
                }) }
            </nav>
            <div class="question" id="quiz-question">
                <p class="muted small">{ format!("Question {} of {n} · {} · {} mark{}", i + 1, q.kind.label(), marks::format(q.points_hundredths), if q.points_hundredths == 100 { "" } else { "s" }) }
                    if q.flagged { <span class="tag">{ "flagged" }</span> }</p>
                <p class="question-text">{ &q.text }</p>
                if let Some(src) = &q.image { <img class="question-image" src={src.clone()} alt="The question's picture" /> }
                if q.kind == QuestionKind::ShortAnswer {
                    <input id="quiz-typed" class="typed" value={q.typed.clone()} onchange={typed_change} onkeydown={typed_keys} placeholder="Your answer; Enter saves and goes on" aria-label="Your answer" />
                } else {
                    <ol class="choices">
                        { for q.options.iter().enumerate().map(|(c, text)| {
                            let chosen = q.chosen.contains(&(c as u32));
                            let choose = choose.clone();
                            html! {
                                <li class={classes!("choice", chosen.then_some("chosen"), (c == *cursor).then_some("cursor"))}>
                                    <button type="button" onclick={move |_| choose(c as u32)} aria-pressed={chosen.to_string()}>
                                        <kbd>{ c + 1 }</kbd>{ " " }{ text }
                                    </button>
                                </li>
                            }
                        }) }
                    </ol>
                }
            </div>
            if let Some(e) = &*error { <div class="form-error" role="alert">{ &e.message }</div> }
            <p class="muted small keys-help">
                { if q.kind == QuestionKind::MultipleSelect { "1–9 tick or untick a choice · Space ticks the one marked · " } else { "1–9 choose · " } }
                { "N next · P previous · F flag for review" }
            </p>
            <div class="actions">
                <button type="button" id="quiz-prev" disabled={i == 0} onclick={let g = goto.clone(); move |_| g(i.saturating_sub(1))}>{ "Previous " }<kbd>{ "P" }</kbd></button>
                <button type="button" id="quiz-next" disabled={i + 1 >= n} onclick={let g = goto.clone(); move |_| g(i + 1)}>{ "Next " }<kbd>{ "N" }</kbd></button>
                if *confirming {
                    <crate::components::confirm::Confirm
                        question={if unanswered == 0 { "Submit your answers? You cannot change them after.".to_string() } else { format!("{unanswered} question{} unanswered. Submit anyway?", if unanswered == 1 { "" } else { "s" }) }}
                        yes="Yes, submit" on_yes={submit} on_no={let c = confirming.clone(); Callback::from(move |()| c.set(false))} />
                } else {
                    <button type="button" class="primary" id="quiz-submit" onclick={let c = confirming.clone(); move |_| c.set(true)}>{ "Submit" }</button>
                }
            </div>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct ReviewProps {
    pub attempt_id: QuizAttemptId,
    pub on_close: Callback<()>,
}

/// An attempt with its keys and marks (the student's own after release,
/// or any for a teacher).
#[component]
pub fn AttemptReviewView(p: &ReviewProps) -> Html {
    let (review, _) = use_query(GetAttemptReview { attempt_id: p.attempt_id });
    let close = p.on_close.reform(|_: MouseEvent| ());
    html! {
        <div class="card" id="attempt-review">
            { show(&review, |r: &AttemptReview| html! {
                <>
                    <div class="toolbar">
                        <h2>{ format!("{} — {}, attempt {}", r.quiz_name, r.student_name, r.number) }</h2>
                        <button onclick={close.clone()}>{ "Close" }</button>
                    </div>
                    <p id="review-score"><strong>{ format!("{} out of {} ({} %)", marks::format(r.score.score_hundredths), marks::format(r.score.max_hundredths), percent(r.score.percent_bp)) }</strong>
                        { format!(" · {} · time taken {}", if r.score.passed { "passed" } else { "not passed" }, clock(r.time_used_ms)) }
                        if r.score.ungraded > 0 { <span class="tag">{ format!("{} answer(s) waiting for the teacher", r.score.ungraded) }</span> }
                    </p>
                    <ol class="review">
                        { for r.questions.iter().map(|q| html! {
                            <li>
                                <p>{ &q.text }<span class="muted small">{ format!("  {} of {}", marks::format(q.score_hundredths), marks::format(q.points_hundredths)) }</span></p>
                                if let Some(src) = &q.image { <img class="question-image" src={src.clone()} alt="The question's picture" /> }
                                if q.kind == QuestionKind::ShortAnswer {
                                    <p class="small">{ format!("Your answer: {}", if q.typed.is_empty() { "—" } else { &q.typed }) }</p>
                                    <p class="small muted">{ format!("Accepted: {}", q.options.iter().filter(|o| o.weight_bp > 0).map(|o| o.text.clone()).collect::<Vec<_>>().join(", ")) }</p>
                                } else {
                                    <ul class="plain">
                                        { for q.options.iter().enumerate().map(|(c, o)| {
                                            let chosen = q.chosen.contains(&(c as u32));
                                            html! {
                                                <li class={classes!("choice", chosen.then_some("chosen"), (o.weight_bp > 0).then_some("right"))}>
                                                    { if o.weight_bp > 0 { "✓ " } else { "  " } }{ &o.text }
                                                    if chosen { <span class="tag">{ "your choice" }</span> }
                                                    if !o.feedback.is_empty() && chosen { <span class="muted small">{ format!(" — {}", o.feedback) }</span> }
                                                </li>
                                            }
                                        }) }
                                    </ul>
                                }
                                if !q.explanation.is_empty() { <p class="small explanation">{ &q.explanation }</p> }
                                if !q.comment.is_empty() { <p class="small">{ format!("Teacher: {}", q.comment) }</p> }
                            </li>
                        }) }
                    </ol>
                </>
            }) }
        </div>
    }
}
