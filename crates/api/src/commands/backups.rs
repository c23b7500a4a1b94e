use super::command;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Backup {
    pub file_name: String,
    pub taken_at: DateTime<Utc>,
    /// daily, manual, before-migration or before-restore
    pub reason: String,
    pub size_bytes: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListBackups {}
command!(ListBackups => "list_backups", Permission -> Vec<Backup>);

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TakeBackup {}
command!(TakeBackup => "take_backup", Permission -> Backup);

/// Replaces the desk's data with a backup, after saving a safety copy of
/// the current data. Everyone is signed out afterwards.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RestoreBackup {
    pub file_name: String,
    /// Restore even though changes made on this desk are not yet on the
    /// server (they are lost); without it such a restore is refused,
    /// naming this field and how many changes.
    pub discard_unsent: bool,
    /// The recovery key of the desk that made the backup, when it was
    /// another desk (its backups are encrypted with that desk's key).
    pub recovery_key: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Restored {
    pub safety_copy: Backup,
}
command!(RestoreBackup => "restore_backup", Permission -> Restored);

/// This desk's recovery key: the key its data and backups are encrypted
/// with, for the director to print and keep away from the computer. Asked
/// for with the password each time it is shown.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GetRecoveryKey {
    pub password: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoveryKey {
    /// 52 letters and digits in groups of four.
    pub key: String,
    pub organisation: String,
    /// Which desk it opens (its backups name no desk).
    pub device_id: String,
    /// The folder its data and backups are in, on this computer.
    pub data_dir: String,
}
command!(GetRecoveryKey => "get_recovery_key", Permission -> RecoveryKey);
