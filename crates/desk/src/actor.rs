//! The signed-in person as permission checks see them: their grants in force.

use branchdesk_api::ids::{BranchId, UserId};
use branchdesk_api::{ApiError, Permission};
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
}

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
    /// May the actor use `p` in `branch`? `None` asks for the whole
    /// organisation, which only a grant over every branch gives.
    pub fn can(&self, p: Permission, branch: Option<BranchId>) -> bool {
        self.grants.iter().any(|g| {
            g.permissions.contains(&p)
                && match (g.branch_id, branch) {
                    (None, _) => true,
                    (Some(gb), Some(b)) => gb == b,
                    (Some(_), None) => false,
                }
        })
    }

    pub fn require(&self, p: Permission, branch: Option<BranchId>) -> Result<(), ApiError> {
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
        for g in self.grants.iter().filter(|g| g.permissions.contains(&p)) {
            match g.branch_id {
                None => return Branches::All,
                Some(b) => {
                    only.insert(b);
                }
            }
        }
        Branches::Only(only)
    }

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
        Actor { user_id: UserId::default(), full_name: "T".into(), grants }
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
    fn organisation_grant_reaches_every_branch() {
        let actor = actor(vec![ActorGrant { branch_id: None, permissions: vec![Permission::ViewUser] }]);
        assert!(actor.can(Permission::ViewUser, Some(BranchId(Uuid::from_u128(9)))));
        assert!(actor.can(Permission::ViewUser, None));
        assert_eq!(actor.branches_with(Permission::ViewUser), Branches::All);
    }
}
