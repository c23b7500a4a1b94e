use super::command;
use crate::ids::BranchId;
use crate::settings::{SettingKind, SettingValue};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Setting {
    pub key: String,
    pub label: String,
    pub kind: SettingKind,
    pub unit: crate::settings::SettingUnit,
    pub per_branch: bool,
    /// The value in force for the asked scope.
    pub value: SettingValue,
    /// Where that value comes from.
    pub source: SettingSource,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SettingSource {
    Default,
    Organisation,
    Branch,
}

/// Settings in force for a branch (or organisation-wide when None).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListSettings {
    pub branch_id: Option<BranchId>,
}
command!(ListSettings => "list_settings", Permission -> Vec<Setting>);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SaveSetting {
    pub key: String,
    pub branch_id: Option<BranchId>,
    pub value: SettingValue,
}

impl Default for SaveSetting {
    fn default() -> Self {
        Self { key: String::new(), branch_id: None, value: SettingValue::Text(String::new()) }
    }
}
command!(SaveSetting => "save_setting", Permission -> Setting);
