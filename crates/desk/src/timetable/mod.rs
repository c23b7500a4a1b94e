//! Batches, class sessions, events and the timetable (seed 003, Batch &
//! Enrollment). Clash detection runs at every write that books a room or a
//! teacher; clashes made by two offline desks show on the timetable.

pub mod batches;
pub mod clash;
pub mod events;
pub mod plan;
pub mod rates;
pub mod sessions;
pub mod slots;
pub mod store;
pub mod view;
