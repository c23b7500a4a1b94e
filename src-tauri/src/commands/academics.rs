//! Courses, roadmaps and curriculum versions.

use branchdesk_api::commands::academics::*;

actor_commands! {
    list_courses(ListCourses),
    save_course(SaveCourse),
    list_roadmaps(ListRoadmaps),
    save_roadmap(SaveRoadmap),
    list_curricula(ListCurricula),
    get_curriculum(GetCurriculum),
    create_curriculum(CreateCurriculum),
    save_module(SaveModule),
    save_lesson(SaveLesson),
    save_lesson_resource(SaveLessonResource),
    save_assignment(SaveAssignment),
    move_curriculum_part(MoveCurriculumPart),
    remove_curriculum_part(RemoveCurriculumPart),
    submit_curriculum(SubmitCurriculum),
    review_curriculum(ReviewCurriculum),
    list_submissions(ListSubmissions),
    record_submission(RecordSubmission),
    get_my_curriculum(GetMyCurriculum),
    set_bookmark(SetBookmark),
    save_highlight(SaveHighlight),
    save_resource_file(SaveResourceFile),
}
