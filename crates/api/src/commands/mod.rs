//! Every command the desk answers, as one input type each. A command's name
//! is the Tauri command name; its `Output` is what a successful call returns;
//! every call may fail with [`crate::ApiError`].

use serde::{de::DeserializeOwned, Serialize};

pub mod academics;
pub mod assessment;
pub mod attachments;
pub mod attendance;
pub mod audit;
pub mod backups;
pub mod channels;
pub mod dashboard;
pub mod imports;
pub mod leads;
pub mod money;
pub mod org;
pub mod quizzes;
pub mod recovery;
pub mod roles;
pub mod session;
pub mod settings;
pub mod students;
pub mod system;
pub mod timetable;
pub mod users;

/// Who may call a command at all. Permission checks inside the service then
/// decide on the branch and the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Works without a session (first run, login).
    Public,
    /// Any signed-in user, for their own account or shared reference data.
    Session,
    /// Needs a permission that the service checks against the user's grants.
    Permission,
}

/// Inputs are `#[serde(default)]`: a missing field arrives empty and the
/// service's validation names it, instead of a bare decoding error.
pub trait Command: Serialize + DeserializeOwned + Default + Clone + PartialEq + 'static {
    const NAME: &'static str;
    const ACCESS: Access;
    type Output: Serialize + DeserializeOwned;
}

/// `command!(Input => "name", Access -> Output)` declares one command.
macro_rules! command {
    ($input:ty => $name:literal, $access:ident -> $output:ty) => {
        impl $crate::commands::Command for $input {
            const NAME: &'static str = $name;
            const ACCESS: $crate::commands::Access = $crate::commands::Access::$access;
            type Output = $output;
        }
    };
}
pub(crate) use command;
