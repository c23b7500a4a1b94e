//! Batches, sessions, events and the timetable.

use branchdesk_api::commands::timetable::*;

actor_commands! {
    list_batches(ListBatches),
    save_batch(SaveBatch),
    set_batch_active(SetBatchActive),
    get_batch(GetBatch),
    list_teachers(ListTeachers),
    reschedule_session(RescheduleSession),
    set_substitute(SetSubstitute),
    set_session_cancelled(SetSessionCancelled),
    save_event(SaveEvent),
    remove_event(RemoveEvent),
    list_events(ListEvents),
    get_timetable(GetTimetable),
    list_my_sessions_today(ListMySessionsToday),
    list_clashes(ListClashes),
}
