//! Crash points the sync simulation arms to stop the desk at a sync
//! boundary, deterministically: an armed point fires once, at its next
//! pass, and the operation fails there as if the process had died (its
//! transaction is rolled back). Per desk, so simulations run side by side.

use std::collections::HashSet;
use std::sync::Mutex;

/// In the middle of applying a pulled page, before it commits.
pub const APPLY_MID_PAGE: &str = "apply.mid_page";
/// A backup copy written but not yet in place: it fails as a full disk would.
pub const BACKUP_WRITE: &str = "backup.write";
/// Between two chunks of a snapshot being installed.
pub const INSTALL_MID_SNAPSHOT: &str = "install.mid_snapshot";

#[derive(Default)]
pub struct Failpoints(Mutex<HashSet<&'static str>>);

impl Failpoints {
    pub fn arm(&self, name: &'static str) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).insert(name);
    }

    /// Whether `name` was armed (disarming it).
    pub fn fire(&self, name: &'static str) -> bool {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).remove(name)
    }
}
