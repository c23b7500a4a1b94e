//! The one error type every command answers with.

use serde::{Deserialize, Serialize};

/// A stable, machine-readable reason. The UI decides presentation from it;
/// tests assert on it. Never rename a variant: desks of older versions read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Input failed validation; `field` names the input.
    Invalid,
    /// A value that must be unique is taken (e.g. an email).
    Duplicate,
    NotFound,
    /// No session, or the session ended; log in again.
    Unauthenticated,
    SessionExpired,
    PermissionDenied,
    WrongCredentials,
    AccountLocked,
    /// The action does not fit the current state (e.g. deleting a system role).
    Conflict,
    /// Setup has not been done yet, or was done already.
    SetupState,
    /// The person signed in with a temporary password and must choose their
    /// own before doing anything else.
    PasswordChangeRequired,
    /// The password was right; the sign-in also needs the code from the
    /// person's authenticator app (or a recovery code).
    TwoFactorCodeNeeded,
    /// A role the person holds needs two-factor sign-in, and the days to
    /// set it up have passed: nothing else is served until they do.
    TwoFactorSetupRequired,
    /// An attached file this desk does not hold yet: it is fetched from the
    /// server when the desk is online.
    NotDownloaded,
    /// Something broke that the user cannot fix; details are in the log.
    Internal,
}

/// Error answered by every command: a code, the input field it concerns (in
/// snake_case, as in the command's input type) and a sentence a clerk can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    pub code: ErrorCode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    pub message: String,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, field: None, message: message.into() }
    }

    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Invalid, message).on(field)
    }

    pub fn duplicate(field: &str, message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Duplicate, message).on(field)
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(ErrorCode::NotFound, format!("That {what} does not exist or was removed."))
    }

    pub fn denied(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::PermissionDenied, message)
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Conflict, message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Internal, message)
    }

    /// A fault the person cannot fix (database, disk): a fixed sentence
    /// naming the id under which the detail was logged, never the detail.
    pub fn fault(error_id: &str) -> Self {
        Self::internal(format!(
            "Something went wrong on this desk (error {error_id}). Your last action was not saved; \
             try again, and tell your administrator if it happens again."
        ))
    }

    /// The logged error id an internal error names (`(error 3f9a2c1e)`),
    /// if it names one.
    pub fn error_id(&self) -> Option<&str> {
        match self.code {
            ErrorCode::Internal => error_id_in(&self.message),
            _ => None,
        }
    }

    /// Attach the input field this error concerns.
    pub fn on(mut self, field: &str) -> Self {
        self.field = Some(field.to_owned());
        self
    }

    pub fn is_for(&self, field: &str) -> bool {
        self.field.as_deref() == Some(field)
    }
}

/// The error id a fault's sentence names (`(error 3f9a2c1e)`), if any.
pub(crate) fn error_id_in(message: &str) -> Option<&str> {
    let (_, rest) = message.split_once("(error ")?;
    let (id, _) = rest.split_once(')')?;
    (!id.is_empty() && id.chars().all(|c| c.is_ascii_hexdigit())).then_some(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_with_stable_code_and_field() {
        let e = ApiError::invalid("email", "Enter an email like name@example.com.");
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["code"], "invalid");
        assert_eq!(json["field"], "email");
        let back: ApiError = serde_json::from_value(json).unwrap();
        assert_eq!(back, e);
    }

    #[test]
    fn a_fault_names_its_error_id_and_nothing_else() {
        let e = ApiError::fault("3f9a2c1e");
        assert_eq!(e.code, ErrorCode::Internal);
        assert_eq!(e.error_id(), Some("3f9a2c1e"));
        assert!(e.message.starts_with("Something went wrong on this desk (error 3f9a2c1e)."), "{e}");
        assert_eq!(ApiError::internal("no id here").error_id(), None);
        assert_eq!(ApiError::invalid("x", "(error 3f9a2c1e)").error_id(), None, "only internal errors");
    }
}
