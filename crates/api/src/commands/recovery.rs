//! A desk whose data will not open: what is wrong and the backups that can
//! take its place. Public: nobody can sign in to a damaged desk.

use super::backups::Backup;
use super::command;
use serde::{Deserialize, Serialize};

/// What the recovery screen shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recovery {
    /// What SQLite found, as it said it (for the person who fixes computers).
    pub problem: String,
    /// The data folder, so the damaged file can be found.
    pub data_dir: String,
    /// Backups that pass the same checks, newest first; the first is offered.
    pub backups: Vec<Backup>,
    /// Backups in the folder that are damaged themselves or from a newer
    /// Branchdesk, and so are not offered.
    pub unusable: usize,
    /// The data is encrypted and its key is not on this computer (a locked
    /// key store, another computer): the screen asks for the recovery key
    /// and offers no backup over data that may well be sound.
    pub key_missing: bool,
    /// Backups that do not open with this computer's key: another desk's
    /// (offered with a field for that desk's recovery key), or damaged.
    pub locked: Vec<Backup>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GetRecovery {}
command!(GetRecovery => "get_recovery", Public -> Option<Recovery>);

/// Puts a good backup in place of the damaged file, which is kept aside.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RecoverFromBackup {
    pub file_name: String,
    /// For a backup of another desk (one of `Recovery.locked`): that
    /// desk's recovery key.
    pub recovery_key: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recovered {
    pub restored: Backup,
    /// Where the damaged file was moved (it is never deleted).
    pub damaged_copy: String,
}
command!(RecoverFromBackup => "recover_from_backup", Public -> Recovered);

/// Opens the desk's data with its recovery key when the key store has lost
/// the key (or the data came from another computer); the key is kept
/// again and the desk opens as usual.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct UnlockWithRecoveryKey {
    pub recovery_key: String,
}
command!(UnlockWithRecoveryKey => "unlock_with_recovery_key", Public -> ());
