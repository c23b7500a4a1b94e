//! The signed-in person as permission checks see them: their grants in force.

use branchdesk_api::ids::{BranchId, UserId};
use branchdesk_api::{ApiError, ErrorCode, Permission};
use chrono::{DateTime, Utc};
use std::collections::BTreeSet;

#[derive(Debug, Clone)]
pub struct ActorGrant {
    /// None: every branch.
    pub branch_id: Option<BranchId>,
    pub permissions: Vec<Permission>,
}

#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: UserId,
    pub full_name: String,
    pub grants: Vec<ActorGrant>,
    /// Signed in with a temporary password: until they choose their own,
    /// every check refuses ([`Actor::may_act`]); only the sign-in services
    /// (who am I, change my password, sign out) serve them.
    pub must_change_password: bool,
    /// A role they hold needs two-factor sign-in and they have not set it
    /// up: by when they must (the services serve them until then).
    pub two_factor_due_by: Option<DateTime<Utc>>,
    /// That time has passed: every check refuses until they set it up.
    pub two_factor_overdue: bool,
}

/// Days a person has to set up two-factor sign-in once a role they hold
/// needs it (counted on each desk from the first time it sees them so).
pub const TWO_FACTOR_GRACE_DAYS: i64 = 7;

/// The branches in which an actor holds a permission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Branches {
    All,
    Only(BTreeSet<BranchId>),
}

impl Branches {
    pub fn contains(&self, b: BranchId) -> bool {
        match self {
            Branches::All => true,
            Branches::Only(set) => set.contains(&b),
        }
    }
}

impl Actor {
    /// The check every service goes through (each permission check calls
    /// it; services open to any signed-in person call it themselves): a
    /// person with a temporary password does nothing until they change it.
    pub fn may_act(&self) -> Result<(), ApiError> {
        self.may_set_up_two_factor()?;
        if self.two_factor_overdue {
            return Err(ApiError::new(
                ErrorCode::TwoFactorSetupRequired,
                "Set up two-factor sign-in first (My account): a role you hold needs it.",
            ));
        }
        Ok(())
    }

    /// Setting up two-factor sign-in is open to anyone signed in, an
    /// overdue person above all, but not before a temporary password is
    /// replaced (the set-up asks for the password).
    pub fn may_set_up_two_factor(&self) -> Result<(), ApiError> {
        if self.must_change_password {
            return Err(ApiError::new(
                ErrorCode::PasswordChangeRequired,
                "Choose your own password first (My account): an administrator set a temporary one for you.",
            ));
        }
        Ok(())
    }

    /// The grants checks may use: none until the password is changed and
    /// an overdue second factor set up.
    fn grants_in_force(&self) -> &[ActorGrant] {
        if self.must_change_password || self.two_factor_overdue {
            &[]
        } else {
            &self.grants
        }
    }

    /// May the actor use `p` in `branch`? `None` asks for the whole
    /// organisation, which only a grant over every branch gives.
    pub fn can(&self, p: Permission, branch: Option<BranchId>) -> bool {
        self.grants_in_force().iter().any(|g| {
            g.permissions.contains(&p)
                && match (g.branch_id, branch) {
                    (None, _) => true,
                    (Some(gb), Some(b)) => gb == b,
                    (Some(_), None) => false,
                }
        })
    }

    pub fn require(&self, p: Permission, branch: Option<BranchId>) -> Result<(), ApiError> {
        self.may_act()?;
        if self.can(p, branch) {
            return Ok(());
        }
        let place = if branch.is_some() { "in this branch" } else { "for the whole organisation" };
        Err(ApiError::denied(format!(
            "Your roles do not allow this {place}: {}. Ask an administrator.",
            p.label().to_lowercase()
        )))
    }

    /// The actor holds `p` in at least one branch.
    pub fn require_somewhere(&self, p: Permission) -> Result<(), ApiError> {
        self.may_act()?;
        if self.grants.iter().any(|g| g.permissions.contains(&p)) {
            return Ok(());
        }
        Err(ApiError::denied(format!(
            "Your roles do not allow this: {}. Ask an administrator.",
            p.label().to_lowercase()
        )))
    }

    pub fn branches_with(&self, p: Permission) -> Branches {
        let mut only = BTreeSet::new();
        for g in self.grants_in_force().iter().filter(|g| g.permissions.contains(&p)) {
            match g.branch_id {
                None => return Branches::All,
                Some(b) => {
                    only.insert(b);
                }
            }
        }
        Branches::Only(only)
    }

    /// What the grants hold, as the person is shown it (not a check).
    pub fn permissions(&self) -> Vec<Permission> {
        let set: BTreeSet<Permission> =
            self.grants.iter().flat_map(|g| g.permissions.iter().copied()).collect();
        set.into_iter().collect()
    }

    pub fn all_branches(&self) -> bool {
        self.grants.iter().any(|g| g.branch_id.is_none())
    }

    /// Branches named by any grant (all when some grant covers every branch).
    pub fn branches(&self) -> Branches {
        if self.all_branches() {
            return Branches::All;
        }
        Branches::Only(self.grants.iter().filter_map(|g| g.branch_id).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn actor(grants: Vec<ActorGrant>) -> Actor {
        Actor {
            user_id: UserId::default(),
            full_name: "T".into(),
            grants,
            must_change_password: false,
            two_factor_due_by: None,
            two_factor_overdue: false,
        }
    }

    #[test]
    fn branch_grant_does_not_reach_other_branches_or_the_organisation() {
        let a = BranchId(Uuid::from_u128(1));
        let b = BranchId(Uuid::from_u128(2));
        let actor = actor(vec![ActorGrant { branch_id: Some(a), permissions: vec![Permission::ManageRoom] }]);
        assert!(actor.can(Permission::ManageRoom, Some(a)));
        assert!(!actor.can(Permission::ManageRoom, Some(b)));
        assert!(!actor.can(Permission::ManageRoom, None));
        assert!(!actor.can(Permission::ViewUser, Some(a)));
        assert_eq!(actor.branches_with(Permission::ManageRoom), Branches::Only([a].into()));
        assert!(actor.require(Permission::ManageRoom, Some(b)).is_err());
    }

    #[test]
    fn a_temporary_password_refuses_every_check_until_changed() {
        let mut a = actor(vec![ActorGrant { branch_id: None, permissions: Permission::ALL.to_vec() }]);
        a.must_change_password = true;
        assert!(!a.can(Permission::ViewUser, None));
        assert_eq!(a.branches_with(Permission::ViewUser), Branches::Only(BTreeSet::new()));
        for e in [
            a.require(Permission::ViewUser, None).unwrap_err(),
            a.require_somewhere(Permission::ViewUser).unwrap_err(),
        ] {
            assert_eq!(e.code, ErrorCode::PasswordChangeRequired);
        }
        assert_eq!(a.permissions().len(), Permission::ALL.len(), "shown as held");
    }

    #[test]
    fn organisation_grant_reaches_every_branch() {
        let actor = actor(vec![ActorGrant { branch_id: None, permissions: vec![Permission::ViewUser] }]);
        assert!(actor.can(Permission::ViewUser, Some(BranchId(Uuid::from_u128(9)))));
        assert!(actor.can(Permission::ViewUser, None));
        assert_eq!(actor.branches_with(Permission::ViewUser), Branches::All);
    }
}
