//! Formatting for people in Bahasa Indonesia: dates, times and durations.

use chrono::{DateTime, Datelike, Offset, Timelike, Utc};
use chrono_tz::Tz;

const DAYS: [&str; 7] = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"];
const MONTHS: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];

/// `Rabu, 3 Desember 2025 pukul 10.00 WIB`: an instant in the organisation's time zone.
pub fn datetime(at: DateTime<Utc>, tz: Tz) -> String {
    let local = at.with_timezone(&tz);
    format!(
        "{}, {} {} {} pukul {:02}.{:02} {}",
        DAYS[local.weekday().num_days_from_monday() as usize],
        local.day(),
        MONTHS[local.month0() as usize],
        local.year(),
        local.hour(),
        local.minute(),
        local.format("%Z")
    )
}

/// An instant as RFC 3339 in `tz` (`2026-09-09T10:00:00+07:00`). An offset
/// with seconds — local mean times, such as Asia/Jakarta's +07:07:12 before
/// 1924 — is written exactly (`+07:07:12`), which RFC 3339 has no form for,
/// rather than rounded to a wrong instant.
pub fn rfc3339(at: DateTime<Utc>, tz: Tz) -> String {
    let local = at.with_timezone(&tz);
    if local.offset().fix().local_minus_utc() % 60 == 0 {
        local.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false)
    } else {
        local.format("%Y-%m-%dT%H:%M:%S%.f%::z").to_string()
    }
}

/// `3 Desember 2025`.
pub fn date(at: DateTime<Utc>, tz: Tz) -> String {
    let local = at.with_timezone(&tz);
    format!("{} {} {}", local.day(), MONTHS[local.month0() as usize], local.year())
}

/// The month's name, 1-based.
pub fn month_name(month: u32) -> &'static str {
    MONTHS[(month.clamp(1, 12) - 1) as usize]
}

/// Working seconds as hours and minutes: `2 jam 15 menit`, `45 menit`.
pub fn working_time(seconds: i64) -> String {
    let minutes = seconds.max(0) / 60;
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} menit"),
        (h, 0) => format!("{h} jam"),
        (h, m) => format!("{h} jam {m} menit"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_in_the_organisations_zone() {
        let at = DateTime::parse_from_rfc3339("2025-12-03T03:00:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(datetime(at, chrono_tz::Asia::Jakarta), "Rabu, 3 Desember 2025 pukul 10.00 WIB");
        assert_eq!(datetime(at, chrono_tz::Asia::Makassar), "Rabu, 3 Desember 2025 pukul 11.00 WITA");
        assert_eq!(working_time(8100), "2 jam 15 menit");
    }

    #[test]
    fn an_offset_with_seconds_is_written_whole() {
        let at = |t: &str| DateTime::parse_from_rfc3339(t).unwrap().with_timezone(&Utc);
        let jakarta = chrono_tz::Asia::Jakarta;
        assert_eq!(rfc3339(at("2025-12-03T03:00:00Z"), jakarta), "2025-12-03T10:00:00+07:00");
        assert_eq!(rfc3339(at("1914-09-07T03:00:00Z"), jakarta), "1914-09-07T10:07:12+07:07:12");
        assert_eq!(rfc3339(at("1914-09-07T03:00:00.250Z"), jakarta), "1914-09-07T10:07:12.250+07:07:12");
        assert_eq!(rfc3339(at("1931-09-07T03:00:00Z"), jakarta), "1931-09-07T10:20:00+07:20");
    }
}
