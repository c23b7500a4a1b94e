//! A test's rank list: per batch, per branch, or across every branch this
//! desk holds that the reader may see students of.

use super::papers::paper;
use super::store;
use crate::{Actor, Desk, Result};
use branchdesk_api::commands::assessment::*;
use branchdesk_api::ids::{BatchId, BranchId, StudentId};
use branchdesk_api::{ApiError, Permission};
use std::collections::HashMap;

impl Desk {
    pub fn get_rank_list(&self, actor: &Actor, input: GetRankList) -> Result<RankList> {
        if actor.require_somewhere(Permission::ViewStudent).is_err() {
            actor.require_somewhere(Permission::MarkAttendance)?;
        }
        let sees = |b: BranchId| {
            actor.can(Permission::ViewStudent, Some(b)) || actor.can(Permission::MarkAttendance, Some(b))
        };
        let db = self.db();
        let conn = &db.conn;
        let test = paper(conn, input.test_id, "test_id")?;
        let sections = super::live_sections(conn, &test)?;
        let sittings = store::sittings_of(conn, test.id)?;
        let in_scope: Vec<&store::SittingRow> = match input.scope {
            RankScope::All => sittings.iter().filter(|s| sees(s.branch_id)).collect(),
            RankScope::Branch(b) => {
                if !sees(b) {
                    actor.require(Permission::ViewStudent, Some(b))?;
                }
                sittings.iter().filter(|s| s.branch_id == b).collect()
            }
            RankScope::Batch(batch) => {
                let s = sittings
                    .iter()
                    .find(|s| s.batch_id == batch)
                    .ok_or_else(|| ApiError::invalid("scope", "That batch does not sit this test."))?;
                if !sees(s.branch_id) {
                    actor.require(Permission::ViewStudent, Some(s.branch_id))?;
                }
                vec![s]
            }
        };
        let batches: HashMap<BatchId, BranchId> =
            in_scope.iter().map(|s| (s.batch_id, s.branch_id)).collect();
        let marks: Vec<store::MarkRow> = store::marks_of(conn, test.id, None)?
            .into_iter()
            .filter(|m| batches.contains_key(&m.batch_id))
            .collect();
        let grouped = super::by_student(&marks);
        // Each student once: in the batch their marks name, else the
        // batch they hold a seat in.
        let mut entrants: Vec<StudentId> = Vec::new();
        let mut batch_of: HashMap<StudentId, BatchId> = HashMap::new();
        for m in &marks {
            if batch_of.insert(m.student_id, m.batch_id).is_none() {
                entrants.push(m.student_id);
            }
        }
        for s in &in_scope {
            for e in crate::students::store::enrolments_of_batch(conn, s.batch_id)? {
                if e.status.holds_seat() && !batch_of.contains_key(&e.student_id) {
                    batch_of.insert(e.student_id, s.batch_id);
                    entrants.push(e.student_id);
                }
            }
        }
        let people: HashMap<StudentId, store::Entrant> =
            store::entrants(conn, test.id)?.into_iter().map(|e| (e.id, e)).collect();
        let names = crate::names::Names::load(conn, None)?;
        let branch_names: HashMap<BranchId, String> =
            crate::org::store::all_branches(conn)?.into_iter().map(|b| (b.id, b.name)).collect();
        let mut ranked = Vec::new();
        let mut totals = Vec::new();
        let mut not_ranked = Vec::new();
        for student in entrants {
            let Some(person) = people.get(&student) else { continue };
            let batch = batch_of[&student];
            match grouped.get(&student).and_then(|m| super::total(&sections, m)) {
                Some(total) => {
                    let mine = &grouped[&student];
                    totals.push(total);
                    ranked.push(RankLine {
                        rank: 0,
                        percentile_hundredths: 0,
                        student_id: student,
                        student_code: person.code.clone(),
                        student_name: person.full_name.clone(),
                        branch_name: branch_names.get(&batches[&batch]).cloned().unwrap_or_default(),
                        batch_name: names.batch(batch),
                        total_hundredths: total,
                        sections: sections
                            .iter()
                            .map(|s| super::counted(s, mine.get(&s.id).copied()))
                            .collect(),
                    });
                }
                None => not_ranked.push(person.full_name.clone()),
            }
        }
        // Equal totals in name order, so a printed list reads the same twice.
        let mut order: Vec<usize> = (0..ranked.len()).collect();
        order.sort_by(|&a, &b| {
            ranked[a].student_name.to_lowercase().cmp(&ranked[b].student_name.to_lowercase())
        });
        let totals_in_order: Vec<i64> = order.iter().map(|&i| totals[i]).collect();
        let lines = super::ranks::rank(&totals_in_order)
            .into_iter()
            .map(|r| RankLine {
                rank: r.rank,
                percentile_hundredths: r.percentile_hundredths,
                ..ranked[order[r.index]].clone()
            })
            .collect();
        let (mean, median, highest) = super::ranks::summary(&totals);
        not_ranked.sort_by_key(|n| n.to_lowercase());
        Ok(RankList {
            test: super::view(conn, actor, &test)?,
            lines,
            not_ranked,
            mean_hundredths: mean,
            median_hundredths: median,
            highest_hundredths: highest,
            bands: super::ranks::bands(&totals, sections.iter().map(|s| s.max_hundredths).sum()),
        })
    }
}
