use super::command;
use crate::ids::{BranchId, OrgId, RoomId};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    pub id: OrgId,
    pub name: String,
    /// ISO 4217 code; amounts are integer minor units of it.
    pub currency: String,
    /// First month (1–12) of the financial year; April in India.
    pub fy_start_month: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GetOrganisation {}
command!(GetOrganisation => "get_organisation", Session -> Organisation);

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct UpdateOrganisation {
    pub name: String,
    pub currency: String,
    pub fy_start_month: u32,
}
command!(UpdateOrganisation => "update_organisation", Permission -> Organisation);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Branch {
    pub id: BranchId,
    /// Short code printed in receipt numbers, e.g. "K2".
    pub code: String,
    pub name: String,
    pub address: String,
    pub phone: String,
    pub active: bool,
}

/// Branches the signed-in user may act in; with `all`, every open branch
/// of the organisation (e.g. where a student can be transferred to).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListBranches {
    pub all: bool,
}
command!(ListBranches => "list_branches", Session -> Vec<Branch>);

/// The longest branch code a branch can be given: the code is printed at
/// the start of every receipt, invoice and salary payment number, and
/// those may not pass 16 characters (the GST rule for invoice numbers;
/// the arithmetic is in the desk's `money/numbers.rs`). Branches given a
/// longer code by an older version keep it.
pub const BRANCH_CODE_MAX: usize = 5;

/// Creates a branch when `id` is None, else changes it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SaveBranch {
    pub id: Option<BranchId>,
    pub code: String,
    pub name: String,
    pub address: String,
    pub phone: String,
}
command!(SaveBranch => "save_branch", Permission -> Branch);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Room {
    pub id: RoomId,
    pub branch_id: BranchId,
    pub name: String,
    pub capacity: u32,
    pub active: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListRooms {
    pub branch_id: BranchId,
    pub include_inactive: bool,
}
command!(ListRooms => "list_rooms", Permission -> Vec<Room>);

/// Creates a room when `id` is None, else changes it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SaveRoom {
    pub id: Option<RoomId>,
    pub branch_id: BranchId,
    pub name: String,
    pub capacity: u32,
}
command!(SaveRoom => "save_room", Permission -> Room);

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SetRoomActive {
    pub id: RoomId,
    pub active: bool,
}
command!(SetRoomActive => "set_room_active", Permission -> Room);
