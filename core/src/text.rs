//! Formatting for people in Bahasa Indonesia: dates, times and durations.

use chrono::{DateTime, Datelike, Timelike, Utc};
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
}
