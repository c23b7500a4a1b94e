//! Which screen shows: first run, sign-in, or the signed-in frame.

use crate::components::frame::Frame;
use crate::components::session::SessionCtx;
use crate::invoke::call;
use crate::nav::Page;
use crate::pages;
use branchdesk_api::commands::recovery::{GetRecovery, Recovery};
use branchdesk_api::commands::session::{GetMe, Logout, Me};
use branchdesk_api::commands::system::GetAppStatus;
use yew::platform::spawn_local;
use yew::prelude::*;

#[derive(Clone, PartialEq)]
enum Screen {
    Loading,
    Setup,
    Login { notice: Option<String>, email: String },
    Main(Box<Me>),
    Broken(String),
    Recovery(Box<Recovery>),
}

#[component]
pub fn App() -> Html {
    let screen = use_state(|| Screen::Loading);
    let page = use_state(|| Page::Home);
    let status_version = use_state(|| 0u32);
    {
        let screen = screen.clone();
        use_effect_with((), move |_| {
            spawn_local(async move {
                // Damaged data opens the recovery screen; nothing else works then.
                if let Ok(Some(r)) = call(&GetRecovery {}).await {
                    screen.set(Screen::Recovery(Box::new(r)));
                    return;
                }
                screen.set(match call(&GetAppStatus {}).await {
                    Ok(s) if !s.setup_done => Screen::Setup,
                    Ok(s) => match s.signed_in {
                        Some(me) => Screen::Main(Box::new(me)),
                        None => Screen::Login { notice: None, email: String::new() },
                    },
                    Err(e) => Screen::Broken(e.message),
                });
            });
        });
    }
    let signed_out = {
        let screen = screen.clone();
        Callback::from(move |notice: String| {
            screen.set(Screen::Login { notice: Some(notice), email: String::new() })
        })
    };
    match &*screen {
        Screen::Loading => html! { <div class="center muted">{ "Opening the desk…" }</div> },
        Screen::Broken(msg) => html! { <div class="center form-error" role="alert">{ msg }</div> },
        Screen::Recovery(r) => {
            let on_recovered = {
                let screen = screen.clone();
                Callback::from(move |notice: String| {
                    screen.set(Screen::Login { notice: Some(notice), email: String::new() })
                })
            };
            html! { <pages::recovery::RecoveryPage recovery={(**r).clone()} {on_recovered} /> }
        }
        Screen::Setup => {
            let on_done = {
                let screen = screen.clone();
                Callback::from(move |email: String| {
                    screen.set(Screen::Login {
                        notice: Some(
                            "Your organisation is ready. Sign in with the account you just made.".into(),
                        ),
                        email,
                    })
                })
            };
            let on_joined = {
                let screen = screen.clone();
                Callback::from(move |name: String| {
                    screen.set(Screen::Login {
                        notice: Some(format!("This desk now holds {name}. Sign in with your account.")),
                        email: String::new(),
                    })
                })
            };
            html! { <pages::setup::SetupPage {on_done} {on_joined} /> }
        }
        Screen::Login { notice, email } => {
            let on_signed_in = {
                let (screen, page) = (screen.clone(), page.clone());
                Callback::from(move |me: Me| {
                    // A temporary password, or a second factor a role needs
                    // and whose week has passed: they start where they can
                    // fix it. Within the week, Today says so with a button.
                    let overdue = me.two_factor_due_by.is_some_and(|by| by <= chrono::Utc::now());
                    let to_fix = me.user.must_change_password || overdue;
                    page.set(if to_fix { Page::Account } else { Page::Home });
                    screen.set(Screen::Main(Box::new(me)));
                })
            };
            html! { <pages::login::LoginPage notice={notice.clone()} email={email.clone()} {on_signed_in} /> }
        }
        Screen::Main(me) => {
            let on_logout = {
                let screen = screen.clone();
                Callback::from(move |_| {
                    let screen = screen.clone();
                    spawn_local(async move {
                        let _ = call(&Logout {}).await;
                        screen.set(Screen::Login {
                            notice: Some("You signed out.".into()),
                            email: String::new(),
                        });
                    });
                })
            };
            let on_navigate = {
                let page = page.clone();
                Callback::from(move |p| page.set(p))
            };
            let changed = {
                let v = status_version.clone();
                Callback::from(move |_| v.set(*v + 1))
            };
            let reload_me = {
                let screen = screen.clone();
                Callback::from(move |_| {
                    let screen = screen.clone();
                    spawn_local(async move {
                        if let Ok(me) = call(&GetMe {}).await {
                            screen.set(Screen::Main(Box::new(me)));
                        }
                    });
                })
            };
            let ctx = SessionCtx {
                me: (**me).clone(),
                signed_out,
                changed,
                navigate: on_navigate.clone(),
                reload_me,
            };
            html! {
                <ContextProvider<SessionCtx> context={ctx}>
                    <Frame me={(**me).clone()} page={*page} {on_navigate} {on_logout} status_version={*status_version}>
                        { pages::render(*page) }
                    </Frame>
                </ContextProvider<SessionCtx>>
            }
        }
    }
}
