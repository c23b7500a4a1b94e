//! Typed settings, organisation-wide or per branch, over the catalogue in
//! `branchdesk_api::settings`. A branch value overrides the organisation's,
//! which overrides the default.

use crate::write::{Record, Scope};
use crate::{org, Actor, Desk, Result};
use branchdesk_api::commands::settings::{ListSettings, SaveSetting, Setting, SettingSource};
use branchdesk_api::ids::{BranchId, SettingId};
use branchdesk_api::settings::{self as catalogue, SettingSpec, SettingValue};
use branchdesk_api::{ApiError, Permission};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use uuid::Uuid;

/// Namespace for derived setting ids: (key, branch) gives the same id on
/// every desk, so two desks setting one key write one row.
const NAMESPACE: Uuid = Uuid::from_u128(0x6b3c_19e2_41d7_4b0e_9a3f_0c55_d1e8_7a21);

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct SettingRow {
    pub id: SettingId,
    pub key: String,
    pub branch_id: Option<BranchId>,
    /// JSON of the typed value.
    pub value: String,
    pub updated_at: DateTime<Utc>,
}

impl Record for SettingRow {
    const TABLE: &'static str = "settings";
    fn id(&self) -> Uuid {
        self.id.0
    }
    fn scope(&self) -> Scope {
        match self.branch_id {
            Some(b) => Scope::Branch(b),
            None => Scope::Organisation,
        }
    }
}

pub fn setting_id(key: &str, branch: Option<BranchId>) -> SettingId {
    let scope = branch.map(|b| b.to_string()).unwrap_or_else(|| "org".into());
    SettingId(Uuid::new_v5(&NAMESPACE, format!("{key}\u{0}{scope}").as_bytes()))
}

fn stored(conn: &Connection, key: &str, branch: Option<BranchId>) -> Result<Option<SettingRow>> {
    Ok(conn
        .prepare_cached("SELECT id, key, branch_id, value, updated_at FROM settings WHERE id = ?1")?
        .query_row([setting_id(key, branch).to_string()], crate::db::read::row)
        .optional()?)
}

fn parse(row: &SettingRow, spec: &SettingSpec) -> Option<SettingValue> {
    serde_json::from_str::<SettingValue>(&row.value).ok().filter(|v| v.kind() == spec.kind)
}

/// The value in force for `key` in `branch`, and where it comes from.
pub fn effective(
    conn: &Connection,
    spec: &SettingSpec,
    branch: Option<BranchId>,
) -> Result<(SettingValue, SettingSource)> {
    if let Some(b) = branch.filter(|_| spec.per_branch) {
        if let Some(v) = stored(conn, spec.key, Some(b))?.as_ref().and_then(|r| parse(r, spec)) {
            return Ok((v, SettingSource::Branch));
        }
    }
    if let Some(v) = stored(conn, spec.key, None)?.as_ref().and_then(|r| parse(r, spec)) {
        return Ok((v, SettingSource::Organisation));
    }
    Ok(((spec.default)(), SettingSource::Default))
}

/// An integer setting's value in force; the default when unset.
pub fn effective_int(conn: &Connection, key: &str, branch: Option<BranchId>) -> Result<i64> {
    let spec = catalogue::spec(key).ok_or_else(|| ApiError::internal(format!("unknown setting {key}")))?;
    match effective(conn, spec, branch)?.0 {
        SettingValue::Integer(i) => Ok(i),
        _ => Err(ApiError::internal(format!("setting {key} is not an integer")).into()),
    }
}

/// A text setting's value in force; the default when unset.
pub fn effective_text(conn: &Connection, key: &str, branch: Option<BranchId>) -> Result<String> {
    let spec = catalogue::spec(key).ok_or_else(|| ApiError::internal(format!("unknown setting {key}")))?;
    match effective(conn, spec, branch)?.0 {
        SettingValue::Text(t) => Ok(t),
        _ => Err(ApiError::internal(format!("setting {key} is not text")).into()),
    }
}

/// A yes/no setting's value in force; the default when unset.
pub fn effective_flag(conn: &Connection, key: &str, branch: Option<BranchId>) -> Result<bool> {
    let spec = catalogue::spec(key).ok_or_else(|| ApiError::internal(format!("unknown setting {key}")))?;
    match effective(conn, spec, branch)?.0 {
        SettingValue::Flag(b) => Ok(b),
        _ => Err(ApiError::internal(format!("setting {key} is not a flag")).into()),
    }
}

fn view(conn: &Connection, spec: &SettingSpec, branch: Option<BranchId>) -> Result<Setting> {
    let (value, source) = effective(conn, spec, branch)?;
    Ok(Setting {
        key: spec.key.to_owned(),
        label: spec.label.to_owned(),
        kind: spec.kind,
        unit: spec.unit,
        per_branch: spec.per_branch,
        value,
        source,
    })
}

fn validate(spec: &SettingSpec, value: SettingValue) -> Result<SettingValue, ApiError> {
    if value.kind() != spec.kind {
        return Err(ApiError::invalid(
            "value",
            format!("{} takes a {:?} value.", spec.label, spec.kind).to_lowercase(),
        ));
    }
    match value {
        SettingValue::Integer(i) if i < spec.min || i > spec.max => Err(ApiError::invalid(
            "value",
            format!("Enter a number from {} to {}.", spec.unit.show(spec.min), spec.unit.show(spec.max)),
        )),
        SettingValue::Text(t) => {
            let t = crate::validate::optional("value", &t, crate::validate::TEXT_MAX)?;
            if spec.key == catalogue::DATE_FORMAT
                && !["DD-MM-YYYY", "DD/MM/YYYY", "YYYY-MM-DD"].contains(&t.as_str())
            {
                return Err(ApiError::invalid("value", "Choose DD-MM-YYYY, DD/MM/YYYY or YYYY-MM-DD."));
            }
            if spec.key == catalogue::PT_STATE && !t.is_empty() {
                return match branchdesk_api::payroll::pt_state(&t) {
                    Some(state) => Ok(SettingValue::Text(state.code.to_owned())),
                    None => Err(ApiError::invalid(
                        "value",
                        "Enter MH (Maharashtra), KA (Karnataka) or WB (West Bengal), or leave it empty for none.",
                    )),
                };
            }
            Ok(SettingValue::Text(t))
        }
        other => Ok(other),
    }
}

impl Desk {
    pub fn list_settings(&self, actor: &Actor, input: ListSettings) -> Result<Vec<Setting>> {
        match input.branch_id {
            Some(b) => actor.require(Permission::ViewSetting, Some(b))?,
            None => actor.require_somewhere(Permission::ViewSetting)?,
        }
        let db = self.db();
        catalogue::CATALOGUE.iter().map(|spec| view(&db.conn, spec, input.branch_id)).collect()
    }

    pub fn save_setting(&self, actor: &Actor, input: SaveSetting) -> Result<Setting> {
        actor.require(Permission::ManageSetting, input.branch_id)?;
        let spec = catalogue::spec(&input.key)
            .ok_or_else(|| ApiError::invalid("key", "There is no such setting."))?;
        if input.branch_id.is_some() && !spec.per_branch {
            return Err(ApiError::invalid("branch_id", "This setting is the same for every branch.").into());
        }
        let value = validate(spec, input.value)?;
        if let Some(b) = input.branch_id {
            org::store::branch_by_id(&self.db().conn, b)?
                .ok_or_else(|| ApiError::invalid("branch_id", "Choose a branch from the list."))?;
        }
        let old = stored(&self.db().conn, spec.key, input.branch_id)?;
        self.write(Some(actor.user_id), |w| {
            let value = serde_json::to_string(&value)?;
            match old {
                Some(old) => {
                    let new = SettingRow { value, updated_at: w.now(), ..old.clone() };
                    w.update(&old, &new)?;
                }
                None => w.insert(&SettingRow {
                    id: setting_id(spec.key, input.branch_id),
                    key: spec.key.to_owned(),
                    branch_id: input.branch_id,
                    value,
                    updated_at: w.now(),
                })?,
            }
            Ok(())
        })?;
        view(&self.db().conn, spec, input.branch_id)
    }
}
