//! Reset durations (`30s`, `5m`, `1h`, `1d`, `1w`, `1M`) and the windows they cut time
//! into. A calendar-aligned window starts at the UTC boundary (midnight, Monday, the
//! 1st); an unaligned one starts when the counter first counted and repeats from there.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::{Date, Month, OffsetDateTime};

const MINUTE: u64 = 60;
const HOUR: u64 = 60 * MINUTE;
const DAY: u64 = 24 * HOUR;
const WEEK: u64 = 7 * DAY;
/// 1970-01-05, the first Monday after the epoch: weeks align to it.
const FIRST_MONDAY: u64 = 4 * DAY;

/// How long a budget or rate-limit window lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResetDuration {
    /// A fixed number of seconds (`s`, `m`, `h`, `d`, `w` units).
    Seconds(u64),
    /// Calendar months (`M`): lengths vary, so they are counted on the calendar.
    Months(u32),
}

/// A duration that does not parse; the message says what does.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown duration `{0}`: use a whole number and a unit, s m h d w or M (calendar month), e.g. 30s, 5m, 1h, 1d, 1w, 1M")]
pub struct DurationError(pub String);

impl FromStr for ResetDuration {
    type Err = DurationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || DurationError(s.to_string());
        let split = s.find(|c: char| !c.is_ascii_digit()).ok_or_else(err)?;
        let (digits, unit) = s.split_at(split);
        let n: u64 = digits.parse().map_err(|_| err())?;
        if n == 0 {
            return Err(err());
        }
        let unit_secs = match unit {
            "s" => 1,
            "m" => MINUTE,
            "h" => HOUR,
            "d" => DAY,
            "w" => WEEK,
            "M" => {
                return u32::try_from(n)
                    .map(ResetDuration::Months)
                    .map_err(|_| err())
            }
            _ => return Err(err()),
        };
        n.checked_mul(unit_secs)
            .map(ResetDuration::Seconds)
            .ok_or_else(err)
    }
}

impl fmt::Display for ResetDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            ResetDuration::Months(n) => write!(f, "{n}M"),
            ResetDuration::Seconds(s) => {
                for (unit, size) in [("w", WEEK), ("d", DAY), ("h", HOUR), ("m", MINUTE)] {
                    if s % size == 0 {
                        return write!(f, "{}{unit}", s / size);
                    }
                }
                write!(f, "{s}s")
            }
        }
    }
}

impl Serialize for ResetDuration {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ResetDuration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl ResetDuration {
    /// The start of the window holding `now`: aligned to the calendar, or counted in
    /// whole windows from `anchor` (the previous start) when not aligned.
    pub fn window_start(self, calendar_aligned: bool, anchor: u64, now: u64) -> u64 {
        if calendar_aligned {
            return self.aligned_start(now);
        }
        if now < anchor {
            return anchor;
        }
        match self {
            ResetDuration::Seconds(s) => anchor + (now - anchor) / s * s,
            ResetDuration::Months(_) => {
                let mut start = anchor;
                loop {
                    let next = self.window_end(start);
                    if next > now || next <= start {
                        return start;
                    }
                    start = next;
                }
            }
        }
    }

    /// When the window that began at `start` ends (the next one begins).
    pub fn window_end(self, start: u64) -> u64 {
        match self {
            ResetDuration::Seconds(s) => start.saturating_add(s),
            ResetDuration::Months(n) => add_months(start, n),
        }
    }

    fn aligned_start(self, now: u64) -> u64 {
        match self {
            ResetDuration::Seconds(s) if s % WEEK == 0 && now >= FIRST_MONDAY => {
                FIRST_MONDAY + (now - FIRST_MONDAY) / s * s
            }
            ResetDuration::Seconds(s) => now / s * s,
            ResetDuration::Months(n) => {
                let date = to_datetime(now).date();
                let index = date.year() as i64 * 12 + (date.month() as i64 - 1);
                let start = index - index.rem_euclid(i64::from(n));
                month_start(start)
            }
        }
    }
}

/// `secs` as an RFC 3339 UTC timestamp, for messages and JSON.
pub fn rfc3339(secs: u64) -> String {
    to_datetime(secs)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| format!("@{secs}"))
}

/// Parses an RFC 3339 timestamp into seconds since the epoch.
pub fn parse_rfc3339(s: &str) -> Option<u64> {
    let t = OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok()?;
    u64::try_from(t.unix_timestamp()).ok()
}

/// "3h 12m", "45s": how long until `then`, for people.
pub fn human_wait(secs: u64) -> String {
    match secs {
        s if s < MINUTE => format!("{s}s"),
        s if s < HOUR => format!("{}m {}s", s / MINUTE, s % MINUTE),
        s if s < DAY => format!("{}h {}m", s / HOUR, s % HOUR / MINUTE),
        s => format!("{}d {}h", s / DAY, s % DAY / HOUR),
    }
}

fn to_datetime(secs: u64) -> OffsetDateTime {
    let secs = i64::try_from(secs).unwrap_or(i64::MAX);
    OffsetDateTime::from_unix_timestamp(secs).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

fn from_datetime(t: OffsetDateTime) -> u64 {
    u64::try_from(t.unix_timestamp()).unwrap_or(0)
}

/// Midnight UTC on the 1st of the month with index `year * 12 + month0`.
fn month_start(index: i64) -> u64 {
    let year = i32::try_from(index.div_euclid(12)).unwrap_or(i32::MAX);
    let month = u8::try_from(index.rem_euclid(12) + 1).unwrap_or(1);
    Month::try_from(month)
        .ok()
        .and_then(|m| Date::from_calendar_date(year, m, 1).ok())
        .map_or(u64::MAX, |d| from_datetime(d.midnight().assume_utc()))
}

/// `secs` plus `n` calendar months, the day clamped to the target month's last day.
fn add_months(secs: u64, n: u32) -> u64 {
    let t = to_datetime(secs);
    let index = t.year() as i64 * 12 + (t.month() as i64 - 1) + i64::from(n);
    let first = month_start(index);
    if first == u64::MAX {
        return u64::MAX;
    }
    let first = to_datetime(first);
    let last_day = first.month().length(first.year());
    let day = t.day().min(last_day);
    first
        .replace_day(day)
        .map(|d| from_datetime(d.replace_time(t.time())))
        .unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> u64 {
        parse_rfc3339(s).unwrap()
    }

    #[test]
    fn durations_parse_and_print_back() {
        for (text, want) in [
            ("30s", ResetDuration::Seconds(30)),
            ("5m", ResetDuration::Seconds(300)),
            ("1h", ResetDuration::Seconds(3600)),
            ("1d", ResetDuration::Seconds(86_400)),
            ("1w", ResetDuration::Seconds(604_800)),
            ("1M", ResetDuration::Months(1)),
        ] {
            let got: ResetDuration = text.parse().unwrap();
            assert_eq!(got, want);
            assert_eq!(got.to_string(), text);
        }
    }

    #[test]
    fn bad_durations_say_what_parses() {
        for bad in [
            "",
            "1",
            "d",
            "0d",
            "1y",
            "-1d",
            "1.5h",
            "1 d",
            "99999999999999999999s",
        ] {
            let err = bad.parse::<ResetDuration>().unwrap_err().to_string();
            assert!(err.contains("30s, 5m, 1h, 1d, 1w, 1M"), "{bad}: {err}");
        }
    }

    #[test]
    fn aligned_windows_start_at_utc_boundaries() {
        let now = at("2026-12-03T08:30:15Z");
        let day = ResetDuration::Seconds(DAY);
        assert_eq!(day.window_start(true, 0, now), at("2026-12-03T00:00:00Z"));
        let week = ResetDuration::Seconds(WEEK);
        // 2026-12-03 is a Thursday; its week began on Monday the 30th of November.
        assert_eq!(week.window_start(true, 0, now), at("2026-11-30T00:00:00Z"));
        let month = ResetDuration::Months(1);
        let start = month.window_start(true, 0, now);
        assert_eq!(start, at("2026-12-01T00:00:00Z"));
        assert_eq!(month.window_end(start), at("2027-01-01T00:00:00Z"));
        let hour = ResetDuration::Seconds(HOUR);
        assert_eq!(hour.window_start(true, 0, now), at("2026-12-03T08:00:00Z"));
    }

    #[test]
    fn unaligned_windows_repeat_from_their_anchor() {
        let anchor = at("2026-01-31T10:00:00Z");
        let month = ResetDuration::Months(1);
        // February has no 31st: the window ends on its last day, same time of day.
        assert_eq!(month.window_end(anchor), at("2026-02-28T10:00:00Z"));
        let later = at("2026-03-15T00:00:00Z");
        assert_eq!(
            month.window_start(false, anchor, later),
            at("2026-02-28T10:00:00Z")
        );
        let five = ResetDuration::Seconds(300);
        assert_eq!(five.window_start(false, 1000, 1000 + 299), 1000);
        assert_eq!(five.window_start(false, 1000, 1000 + 300), 1300);
        assert_eq!(five.window_start(false, 1000, 1000 + 3001), 1000 + 3000);
    }

    #[test]
    fn waits_read_like_people_talk() {
        assert_eq!(human_wait(42), "42s");
        assert_eq!(human_wait(3 * HOUR + 12 * MINUTE), "3h 12m");
        assert_eq!(human_wait(2 * DAY + HOUR), "2d 1h");
    }
}
