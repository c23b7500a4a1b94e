//! Times of day, weekly slots and the overlap rule. Pure: no database.
//!
//! A booking is a half-open interval `[start, end)` of minutes after
//! midnight on one date, so a class ending at 10:00 and one starting at
//! 10:00 do not clash, and one ending at 24:00 never touches the next day.

use branchdesk_api::commands::timetable::Slot;
use branchdesk_api::ApiError;
use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};

pub const DAY_MINUTES: u16 = 24 * 60;
/// Longest batch: sessions are generated for every week of it.
pub const MAX_BATCH_DAYS: i64 = 2 * 366;
pub const MAX_SLOTS: usize = 14;

/// One booking's time: a date and `[start, end)` in minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interval {
    pub date: NaiveDate,
    pub start: u16,
    pub end: u16,
}

impl Interval {
    /// Shares at least one minute with `other`. Touching is not overlapping.
    pub fn overlaps(&self, other: &Interval) -> bool {
        self.date == other.date && self.start < other.end && other.start < self.end
    }
}

/// A weekly slot as stored in `batches.schedule`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct WeeklySlot {
    /// 1 = Monday … 7 = Sunday.
    pub weekday: u8,
    pub start: u16,
    pub end: u16,
}

impl WeeklySlot {
    pub fn view(&self) -> Slot {
        Slot { weekday: self.weekday.into(), start: fmt_time(self.start), end: fmt_time(self.end) }
    }
}

/// `HH:MM` → minutes after midnight; `24:00` only when `allow_midnight_end`.
pub fn parse_time(field: &str, value: &str, allow_midnight_end: bool) -> Result<u16, ApiError> {
    let bad = || ApiError::invalid(field, "Enter a time as HH:MM, e.g. 16:30.");
    let (h, m) = value.trim().split_once(':').ok_or_else(bad)?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return Err(bad());
    }
    let h: u16 = h.parse().map_err(|_| bad())?;
    let m: u16 = m.parse().map_err(|_| bad())?;
    if m >= 60 || h > 24 || (h == 24 && (m != 0 || !allow_midnight_end)) {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

pub fn fmt_time(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// A start and end time where the end is later the same day.
pub fn parse_span(
    start_field: &str,
    start: &str,
    end_field: &str,
    end: &str,
) -> Result<(u16, u16), ApiError> {
    let s = parse_time(start_field, start, false)?;
    let e = parse_time(end_field, end, true)?;
    if e <= s {
        return Err(ApiError::invalid(end_field, "The end time must be after the start time."));
    }
    Ok((s, e))
}

/// Validated weekly slots, sorted; a batch cannot meet twice at once.
pub fn parse_slots(slots: &[Slot]) -> Result<Vec<WeeklySlot>, ApiError> {
    if slots.is_empty() {
        return Err(ApiError::invalid("slots", "Add at least one weekly time, e.g. Monday 16:00–17:30."));
    }
    if slots.len() > MAX_SLOTS {
        return Err(ApiError::invalid("slots", format!("A batch meets at most {MAX_SLOTS} times a week.")));
    }
    let mut out: Vec<(usize, WeeklySlot)> = Vec::with_capacity(slots.len());
    for (i, s) in slots.iter().enumerate() {
        if !(1..=7).contains(&s.weekday) {
            return Err(ApiError::invalid(&format!("slots[{i}].weekday"), "Choose a day of the week."));
        }
        let (start, end) =
            parse_span(&format!("slots[{i}].start"), &s.start, &format!("slots[{i}].end"), &s.end)?;
        let slot = WeeklySlot { weekday: s.weekday as u8, start, end };
        if let Some((j, _)) =
            out.iter().find(|(_, o)| o.weekday == slot.weekday && o.start < slot.end && slot.start < o.end)
        {
            return Err(ApiError::invalid(
                &format!("slots[{i}].start"),
                format!("This time overlaps weekly time {} of the same batch.", j + 1),
            ));
        }
        out.push((i, slot));
    }
    let mut slots: Vec<WeeklySlot> = out.into_iter().map(|(_, s)| s).collect();
    slots.sort();
    Ok(slots)
}

/// Every meeting of `slots` from `from` to `to` inclusive, in date order.
pub fn expand(slots: &[WeeklySlot], from: NaiveDate, to: NaiveDate) -> Vec<(NaiveDate, WeeklySlot)> {
    let mut out = Vec::new();
    let mut day = from;
    while day <= to {
        let wd = day.weekday().number_from_monday() as u8;
        out.extend(slots.iter().filter(|s| s.weekday == wd).map(|s| (day, *s)));
        day += Duration::days(1);
    }
    out
}

/// The Monday of the week holding `date`.
pub fn week_start(date: NaiveDate) -> NaiveDate {
    date - Duration::days(date.weekday().num_days_from_monday().into())
}

pub fn weekday_name(weekday: u32) -> &'static str {
    ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        .get(weekday.wrapping_sub(1) as usize)
        .copied()
        .unwrap_or("?")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn times_parse_and_print() {
        assert_eq!(parse_time("t", "16:30", false).unwrap(), 990);
        assert_eq!(parse_time("t", "7:05", false).unwrap(), 425);
        assert_eq!(parse_time("t", "24:00", true).unwrap(), 1440);
        for bad in ["24:00", "25:00", "12:60", "12", "12:5", "ab:cd", "", "-1:00", "12:00:00"] {
            assert!(parse_time("t", bad, false).unwrap_err().is_for("t"), "{bad}");
        }
        assert_eq!(fmt_time(990), "16:30");
        assert!(parse_span("s", "10:00", "e", "10:00").unwrap_err().is_for("e"));
        assert!(parse_span("s", "11:00", "e", "10:00").unwrap_err().is_for("e"));
    }

    #[test]
    fn slots_reject_reversed_and_self_overlapping_times() {
        let slot = |w, s: &str, e: &str| Slot { weekday: w, start: s.into(), end: e.into() };
        assert!(parse_slots(&[]).unwrap_err().is_for("slots"));
        assert!(parse_slots(&[slot(8, "10:00", "11:00")]).unwrap_err().is_for("slots[0].weekday"));
        assert!(parse_slots(&[slot(1, "11:00", "10:00")]).unwrap_err().is_for("slots[0].end"));
        let twice = parse_slots(&[slot(1, "10:00", "11:00"), slot(1, "10:30", "12:00")]).unwrap_err();
        assert!(twice.is_for("slots[1].start"));
        // Back to back, and the same time on another day, are fine.
        assert_eq!(
            parse_slots(&[slot(1, "10:00", "11:00"), slot(1, "11:00", "12:00"), slot(3, "10:00", "11:00")])
                .unwrap()
                .len(),
            3
        );
    }

    #[test]
    fn a_class_ending_at_midnight_does_not_touch_the_next_morning() {
        let late = Interval { date: d("2026-06-01"), start: 22 * 60, end: DAY_MINUTES };
        let early = Interval { date: d("2026-06-02"), start: 0, end: 60 };
        assert!(!late.overlaps(&early));
        let same_night = Interval { date: d("2026-06-01"), start: 23 * 60, end: 23 * 60 + 30 };
        assert!(late.overlaps(&same_night));
    }

    fn interval() -> impl Strategy<Value = Interval> {
        (0i64..10, 0u16..DAY_MINUTES, 1u16..=240).prop_map(|(day, start, len)| Interval {
            date: d("2026-06-01") + Duration::days(day),
            start,
            end: (start + len).min(DAY_MINUTES),
        })
    }

    /// The minutes (since an epoch) an interval occupies: the model.
    fn minutes(i: &Interval) -> std::collections::BTreeSet<i64> {
        let base = (i.date - d("2026-06-01")).num_days() * i64::from(DAY_MINUTES);
        (i.start..i.end).map(|m| base + i64::from(m)).collect()
    }

    proptest! {
        #[test]
        fn overlap_means_a_shared_minute(a in interval(), b in interval()) {
            let shared = minutes(&a).intersection(&minutes(&b)).next().is_some();
            prop_assert_eq!(a.overlaps(&b), shared);
            prop_assert_eq!(a.overlaps(&b), b.overlaps(&a));
        }

        #[test]
        fn expansion_holds_every_matching_day_in_range_and_nothing_else(
            days in proptest::collection::btree_set(1u8..=7, 1..=7),
            from in 0i64..400,
            len in -3i64..120,
        ) {
            let slots: Vec<WeeklySlot> = days.iter().map(|&w| WeeklySlot { weekday: w, start: 600, end: 660 }).collect();
            let from = d("2025-01-01") + Duration::days(from);
            let to = from + Duration::days(len);
            let got = expand(&slots, from, to);
            let mut want = 0;
            let mut day = from;
            while day <= to {
                if days.contains(&(day.weekday().number_from_monday() as u8)) { want += 1; }
                day += Duration::days(1);
            }
            prop_assert_eq!(got.len(), want);
            for (date, slot) in &got {
                prop_assert!(*date >= from && *date <= to);
                prop_assert_eq!(date.weekday().number_from_monday() as u8, slot.weekday);
            }
            prop_assert!(got.windows(2).all(|w| w[0].0 <= w[1].0));
        }

        #[test]
        fn weekly_slots_on_different_weekdays_never_clash(
            a in (1u8..=7, 0u16..1380), b in (1u8..=7, 0u16..1380), from in 0i64..60,
        ) {
            prop_assume!(a.0 != b.0);
            let sa = WeeklySlot { weekday: a.0, start: a.1, end: a.1 + 60 };
            let sb = WeeklySlot { weekday: b.0, start: b.1, end: b.1 + 60 };
            let from = d("2026-01-01") + Duration::days(from);
            let to = from + Duration::days(90);
            let ea = expand(&[sa], from, to);
            let eb = expand(&[sb], from, to);
            for (da, x) in &ea {
                for (db, y) in &eb {
                    let ia = Interval { date: *da, start: x.start, end: x.end };
                    let ib = Interval { date: *db, start: y.start, end: y.end };
                    prop_assert!(!ia.overlaps(&ib));
                }
            }
        }
    }
}
