//! Paper tests through a real server over HTTPS: a paper, its sitting, its
//! marks and a question bank set on one desk reach another; the same cell
//! typed on both desks offline is one row afterwards, holding the later
//! value on both, and the rank lists agree.

mod support;

use branchdesk_api::commands::assessment::*;
use branchdesk_api::commands::students::Enrol;
use chrono::Duration;
use support::sign_in;

#[test]
fn marks_typed_on_two_desks_offline_converge_to_the_later_one() {
    let rt = support::runtime();
    let (_server, client, mut nodes, branch) = support::network(&rt, &[0, 3]);
    let (desk, director) = (&nodes[0].desk, nodes[0].actor().clone());
    let batch = support::monthly_batch(&nodes[0], &director, branch);
    let asha = support::adult_student(desk, &director, branch, "Asha Rao");
    let bilal = support::adult_student(desk, &director, branch, "Bilal Khan");
    for s in [asha, bilal] {
        desk.enrol(&director, Enrol { student_id: s, batch_id: batch, ..Default::default() }).unwrap();
    }
    let paper = desk
        .save_paper_test(
            &director,
            SavePaperTest {
                name: "Weekly Test 1".into(),
                held_on: "08/06/2026".into(),
                sections: vec![SectionInput {
                    name: "Physics".into(),
                    max_marks: "20".into(),
                    ..Default::default()
                }],
                ..Default::default()
            },
        )
        .unwrap();
    desk.set_test_sitting(
        &director,
        SetTestSitting { test_id: paper.id, batch_id: batch, ..Default::default() },
    )
    .unwrap();
    let course = desk.list_paper_tests(&director, ListPaperTests::default()).unwrap();
    assert_eq!(course.len(), 1);
    let enter = |n: &support::Node, student, marks: &str| {
        n.desk
            .enter_mark(
                n.actor(),
                EnterMark {
                    test_id: paper.id,
                    batch_id: batch,
                    section_id: paper.sections[0].id,
                    student_id: student,
                    marks: marks.into(),
                },
            )
            .unwrap()
    };
    enter(&nodes[0], asha, "12");
    enter(&nodes[0], bilal, "16");
    let physics = desk
        .save_course(
            &director,
            branchdesk_api::commands::academics::SaveCourse {
                code: "P2".into(),
                name: "Physics II".into(),
                ..Default::default()
            },
        )
        .unwrap()
        .id;
    desk.import_questions(
        &director,
        ImportQuestions {
            course_id: physics,
            format: BankFormat::Gift,
            content: "The SI unit of force is {=newton ~joule}\n".into(),
            points: "4".into(),
            commit: true,
        },
    )
    .unwrap();
    support::quiesce(&rt, &client, &nodes);
    assert_eq!(nodes[0].desk.refused_changes().unwrap(), vec![], "the server took the paper and its marks");

    sign_in(&mut nodes[1]);
    let sheet = |n: &support::Node| {
        n.desk.get_marks_sheet(n.actor(), GetMarksSheet { test_id: paper.id, batch_id: batch }).unwrap()
    };
    let there = sheet(&nodes[1]);
    assert_eq!(there.lines.iter().map(|l| l.total_hundredths).collect::<Vec<_>>(), [Some(1200), Some(1600)]);
    let bank = nodes[1]
        .desk
        .list_questions(nodes[1].actor(), ListQuestions { course_id: physics, topic: String::new() });
    assert_eq!(bank.unwrap().questions.len(), 1, "the bank came down with the organisation");

    // Both desks correct Asha's mark offline; the second desk's is later.
    enter(&nodes[0], asha, "13");
    nodes[1].clock.advance(Duration::minutes(2));
    enter(&nodes[1], asha, "14.5");
    support::quiesce(&rt, &client, &nodes);
    for n in &nodes {
        let lines = sheet(n).lines;
        assert_eq!(lines[0].total_hundredths, Some(1450), "the later entry wins everywhere");
        let list = n
            .desk
            .get_rank_list(n.actor(), GetRankList { test_id: paper.id, scope: RankScope::All })
            .unwrap();
        let ranks: Vec<(u32, &str)> = list.lines.iter().map(|l| (l.rank, l.student_name.as_str())).collect();
        assert_eq!(ranks, [(1, "Bilal Khan"), (2, "Asha Rao")]);
    }
    for n in &nodes {
        assert_eq!(n.desk.refused_changes().unwrap(), vec![]);
    }
}
