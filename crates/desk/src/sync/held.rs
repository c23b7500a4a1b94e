//! Ops that wait for their author's signature: made before this version,
//! or renumbered after a restore (the seq is signed). They are signed when
//! their author's key is next open here (sign-in, or a session that is
//! already open); until then the push stops before them (`pending_ops`).

use crate::db::read;
use crate::write::OutboxOp;
use crate::{Desk, Result};
use branchdesk_api::canonical::signing;
use branchdesk_api::ids::UserId;

impl Desk {
    /// Signs `user`'s unsent ops that carry no signature (made before this
    /// version, or renumbered after a restore, which clears it). An op
    /// already signed is left as it is: a password change is signed by the
    /// key it replaces, a redeemed reset by the reset's one-time key, and
    /// the server checks them against those. Answers how many were signed.
    pub(crate) fn resign_held_ops(&self, user: UserId) -> Result<usize> {
        let Some(key) = self.keys.get(user) else { return Ok(0) };
        let db = self.db();
        let unsent: Vec<OutboxOp> = read::all(
            &mut db.conn.prepare(
                "SELECT seq, op_id, author_user_id, scope, entity, entity_id, kind, columns, hlc,
                        schema_version, signature
                 FROM outbox WHERE seq > (SELECT acked_seq FROM sync_state) AND author_user_id = ?1
                   AND signature IS NULL
                 ORDER BY seq",
            )?,
            [user.to_string()],
        )?;
        let tx = db.conn.unchecked_transaction()?;
        let mut signed = 0;
        for u in unsent {
            let op = u.into_op()?;
            tx.execute(
                "UPDATE outbox SET signature = ?2 WHERE seq = ?1",
                (op.seq as i64, signing::sign(&key, self.device_id(), &op)),
            )?;
            signed += 1;
        }
        tx.commit()?;
        if signed > 0 {
            tracing::info!(signed, "signed changes that were waiting for their author");
        }
        Ok(signed)
    }

    /// Signs `op` anew with its author's key, when that person is signed in
    /// here; false otherwise. For tools that replay this desk's ops with a
    /// field changed (the sync tests stamp another schema version).
    pub fn sign_as_author(&self, op: &mut branchdesk_api::sync::Op) -> bool {
        let author = op.author_user_id.as_deref().and_then(|a| uuid::Uuid::parse_str(a).ok());
        let Some(key) = author.and_then(|a| self.keys.get(UserId::from(a))) else { return false };
        op.signature = Some(signing::sign(&key, self.device_id(), op));
        true
    }

    /// Signs every waiting op whose author is signed in here.
    pub(crate) fn resign_for_signed_in(&self) -> Result<usize> {
        let mut n = 0;
        for user in self.keys.users() {
            n += self.resign_held_ops(user)?;
        }
        Ok(n)
    }
}
