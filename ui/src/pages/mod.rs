//! One module per page of the sidebar, plus the two screens before it.

pub mod account;
pub mod audit;
pub mod backups;
pub mod home;
pub mod login;
pub mod organisation;
pub mod roles;
pub mod rooms;
pub mod settings;
pub mod setup;
pub mod users;

use crate::nav::Page;
use yew::prelude::*;

pub fn render(page: Page) -> Html {
    match page {
        Page::Home => html! { <home::HomePage /> },
        Page::Users => html! { <users::UsersPage /> },
        Page::Roles => html! { <roles::RolesPage /> },
        Page::Organisation => html! { <organisation::OrganisationPage /> },
        Page::Rooms => html! { <rooms::RoomsPage /> },
        Page::Settings => html! { <settings::SettingsPage /> },
        Page::Backups => html! { <backups::BackupsPage /> },
        Page::Audit => html! { <audit::AuditPage /> },
        Page::Account => html! { <account::AccountPage /> },
    }
}
