//! Students, guardians, enrolments and search.

use branchdesk_api::commands::students::*;

actor_commands! {
    save_student(SaveStudent),
    set_student_archived(SetStudentArchived),
    link_guardian(LinkGuardian),
    unlink_guardian(UnlinkGuardian),
    get_student(GetStudent),
    list_students(ListStudents),
    search_students(SearchStudents),
    find_duplicates(FindDuplicates),
    find_guardians(FindGuardians),
    merge_students(MergeStudents),
    enrol(Enrol),
    set_enrolment_status(SetEnrolmentStatus),
    set_enrolment_concession(SetEnrolmentConcession),
    list_roster(ListRoster),
    give_student_login(GiveStudentLogin),
    get_my_record(GetMyRecord),
    set_student_photo(SetStudentPhoto),
    transfer_student(TransferStudent),
}
