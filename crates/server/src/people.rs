//! Who asks, proven: a person's signature on a request that manages desks,
//! and the one-time password proof that lets an account made before
//! signing take its first key (docs/trust.md). Pure: the handlers gather
//! the person from the store and call these.

use crate::authz::AuthorGrant;
use crate::store::Person;
use branchdesk_api::canonical::signing;
use branchdesk_api::sync::{Authority, DeviceAction};
use branchdesk_api::Permission;
use chrono::{DateTime, Utc};
use serde_json::Value;

/// How far a request's time may stand from the server's clock.
pub const REQUEST_SKEW_MINUTES: i64 = 5;

/// Ok when the organisation is still being set up (nobody holds a grant to
/// check against yet), or when `authority` is a fresh signature by the
/// person's key on record over `action` from `device_id`, and their grants
/// allow it: codes for every branch and revoking need the right to manage
/// settings organisation-wide; a code for some branches needs it in each.
pub fn authorise(
    person: &Person,
    device_id: &str,
    action: DeviceAction<'_>,
    authority: Option<&Authority>,
    now: DateTime<Utc>,
) -> Result<(), String> {
    if person.setting_up {
        return Ok(());
    }
    let Some(a) = authority else {
        return Err("Sign in on this desk as someone who manages desks, and try again.".into());
    };
    let at = DateTime::parse_from_rfc3339(&a.at).map_err(|_| "The request's time is not a date and time.")?;
    if (now - at.with_timezone(&Utc)).num_minutes().abs() > REQUEST_SKEW_MINUTES {
        return Err(format!(
            "The request was signed at {} by this desk's clock, more than {REQUEST_SKEW_MINUTES} minutes from the server's; set the desk's clock right.",
            a.at
        ));
    }
    let account = person.account.as_ref().ok_or("No such person on the server.")?;
    if account.get("active").is_some_and(|v| v == &Value::Bool(false) || v == &Value::from(0)) {
        return Err("That account is deactivated.".into());
    }
    let key = crate::signatures::key_of(Some(account));
    signing::verify_request(key, device_id, action, a).map_err(|_| {
        "The request is not signed by that person's key on record (sign in again on this desk once it has synced)."
            .to_string()
    })?;
    let allowed = match action {
        DeviceAction::IssueCode { scopes: Some(list) } => {
            list.iter().all(|s| manages(&person.grants, s.strip_prefix("branch:")))
        }
        DeviceAction::IssueCode { scopes: None } | DeviceAction::Revoke { .. } => {
            manages(&person.grants, None)
        }
    };
    if !allowed {
        return Err(match action {
            DeviceAction::IssueCode { scopes: Some(_) } => {
                "You may issue codes only for branches whose settings you manage.".into()
            }
            _ => "Only someone who manages settings for every branch may do this.".into(),
        });
    }
    Ok(())
}

/// Whether the grants manage settings in `branch` (None: organisation-wide).
fn manages(grants: &[AuthorGrant], branch: Option<&str>) -> bool {
    grants.iter().any(|g| {
        g.permissions.contains(&Permission::ManageSetting)
            && (g.branch_id.is_none() || (branch.is_some() && g.branch_id.as_deref() == branch))
    })
}

/// Why a password proof cannot be taken, before the password is looked at.
pub fn may_prove(person: &Person, public_key: &str) -> Result<Proof, String> {
    if signing::unhex::<32>(public_key).is_none() {
        return Err("public_key: not 64 hex digits".into());
    }
    let Some(account) = person.account.as_ref() else {
        // The first desk's upload is the one exception: the account may
        // not be on the server yet, and nothing is checked against grants.
        return match person.setting_up {
            true => Ok(Proof::Unchecked),
            false => Err("No such account on the server.".into()),
        };
    };
    match crate::signatures::key_of(Some(account)) {
        Some(k) if k.eq_ignore_ascii_case(public_key) => Ok(Proof::HasIt),
        Some(_) => Err("That account has a key on record already; a manager resets its password.".into()),
        None => match account.get("password_hash").and_then(Value::as_str) {
            Some(hash) => Ok(Proof::Check(hash.to_owned())),
            None => Err("That account has no password on the server.".into()),
        },
    }
}

/// What a proof needs.
#[derive(Debug, PartialEq, Eq)]
pub enum Proof {
    /// The key is on record already: nothing to record.
    HasIt,
    /// Check the password against this stored hash (from before signing).
    Check(String),
    /// The organisation is being set up and the account is not here yet.
    Unchecked,
}

/// Whether `password` matches a hash made before signing (argon2, PHC).
/// Slow by design; call it off the async threads.
pub fn password_matches(password: &str, stored: &str) -> bool {
    use argon2::{Argon2, PasswordHash, PasswordVerifier};
    PasswordHash::new(stored)
        .is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use branchdesk_api::canonical::signing::{public_hex, sign_request, SigningKey};
    use serde_json::json;

    const BRANCH: &str = "0193a0c0-0000-7000-8000-00000000000b";

    fn person(grants: Vec<AuthorGrant>, key: &SigningKey) -> Person {
        let account = json!({ "id": "u1", "public_key": public_hex(key), "active": true });
        Person { account: account.as_object().cloned(), grants, setting_up: false }
    }

    fn grant(branch: Option<&str>) -> AuthorGrant {
        AuthorGrant { permissions: vec![Permission::ManageSetting], branch_id: branch.map(str::to_owned) }
    }

    fn signed(key: &SigningKey, action: DeviceAction<'_>, at: DateTime<Utc>) -> Authority {
        let at = at.to_rfc3339();
        Authority { user_id: "u1".into(), signature: sign_request(key, "d1", action, "u1", &at), at }
    }

    #[test]
    fn managing_desks_needs_a_fresh_signature_and_the_right_grant() {
        let key = SigningKey::from_bytes(&[3; 32]);
        let now = Utc::now();
        let scopes = vec![format!("branch:{BRANCH}")];
        let some = DeviceAction::IssueCode { scopes: Some(&scopes) };
        let all = DeviceAction::IssueCode { scopes: None };
        let revoke = DeviceAction::Revoke { device_id: "d2" };
        let director = person(vec![grant(None)], &key);
        let manager = person(vec![grant(Some(BRANCH))], &key);
        let clerk = person(vec![], &key);
        for action in [some, all, revoke] {
            assert_eq!(authorise(&director, "d1", action, Some(&signed(&key, action, now)), now), Ok(()));
            assert!(authorise(&clerk, "d1", action, Some(&signed(&key, action, now)), now).is_err());
            assert!(authorise(&director, "d1", action, None, now).is_err(), "unsigned");
            assert!(
                authorise(&director, "d2", action, Some(&signed(&key, action, now)), now).is_err(),
                "another desk"
            );
            let stale = signed(&key, action, now - chrono::Duration::minutes(REQUEST_SKEW_MINUTES + 1));
            assert!(authorise(&director, "d1", action, Some(&stale), now).is_err(), "replayed later");
            let other = SigningKey::from_bytes(&[4; 32]);
            assert!(authorise(&director, "d1", action, Some(&signed(&other, action, now)), now).is_err());
        }
        assert_eq!(authorise(&manager, "d1", some, Some(&signed(&key, some, now)), now), Ok(()));
        assert!(authorise(&manager, "d1", all, Some(&signed(&key, all, now)), now).is_err(), "every branch");
        assert!(authorise(&manager, "d1", revoke, Some(&signed(&key, revoke, now)), now).is_err());
        let elsewhere = vec!["branch:0193a0c0-0000-7000-8000-0000000000ff".to_string()];
        let there = DeviceAction::IssueCode { scopes: Some(&elsewhere) };
        assert!(authorise(&manager, "d1", there, Some(&signed(&key, there, now)), now).is_err());
        // Signed for one action, sent with another.
        let a = signed(&key, revoke, now);
        assert!(authorise(&director, "d1", DeviceAction::Revoke { device_id: "d3" }, Some(&a), now).is_err());
        let setting_up = Person { setting_up: true, ..clerk };
        assert_eq!(authorise(&setting_up, "d1", all, None, now), Ok(()));
    }

    #[test]
    fn a_proof_is_taken_only_for_an_account_without_a_key() {
        let key = SigningKey::from_bytes(&[3; 32]);
        let mine = public_hex(&key);
        let keyed = person(vec![], &key);
        assert_eq!(may_prove(&keyed, &mine), Ok(Proof::HasIt));
        assert!(may_prove(&keyed, &"ab".repeat(32)).is_err());
        let old = Person {
            account: json!({ "id": "u1", "password_hash": "$argon2id$..." }).as_object().cloned(),
            ..Default::default()
        };
        assert_eq!(may_prove(&old, &mine), Ok(Proof::Check("$argon2id$...".into())));
        assert!(may_prove(&old, "zz").is_err());
        assert!(may_prove(&Person::default(), &mine).is_err(), "no such account");
        assert_eq!(
            may_prove(&Person { setting_up: true, ..Default::default() }, &mine),
            Ok(Proof::Unchecked)
        );
    }

    #[test]
    fn an_old_hash_matches_only_its_password() {
        use argon2::password_hash::{PasswordHasher, SaltString};
        let salt = SaltString::encode_b64(b"sixteen byte slt").unwrap();
        let stored = argon2::Argon2::default().hash_password(b"Correct horse 9", &salt).unwrap().to_string();
        assert!(password_matches("Correct horse 9", &stored));
        assert!(!password_matches("correct horse 9", &stored));
        assert!(!password_matches("Correct horse 9", "not a hash"));
    }
}
