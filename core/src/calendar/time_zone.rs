//! Reading IANA time zone names, with a suggestion for near misses.

use chrono_tz::{TZ_VARIANTS, Tz};

use crate::diag::did_you_mean;

const EXAMPLES: &str =
    "write an IANA time zone name such as `Asia/Jakarta` (WIB), `Asia/Makassar` (WITA) or `Asia/Jayapura` (WIT)";

/// The zone called `name`, or a message and a help text.
pub(crate) fn parse_time_zone(name: &str) -> Result<Tz, (String, String)> {
    if let Ok(tz) = name.parse::<Tz>() {
        return Ok(tz);
    }
    let message = format!("`{name}` is not a time zone");
    let suggestion = suggest(name.trim());
    let help = match suggestion {
        Some(zone) => format!("did you mean `{zone}`? {EXAMPLES}"),
        None => EXAMPLES.to_owned(),
    };
    Err((message, help))
}

fn suggest(name: &str) -> Option<&'static str> {
    let lower = name.to_lowercase();
    // Indonesia's zones are usually called by their abbreviations.
    match lower.as_str() {
        "wib" | "utc+7" | "utc+07:00" | "+07:00" | "gmt+7" => return Some("Asia/Jakarta"),
        "wita" | "utc+8" | "utc+08:00" | "+08:00" | "gmt+8" => return Some("Asia/Makassar"),
        "wit" | "utc+9" | "utc+09:00" | "+09:00" | "gmt+9" => return Some("Asia/Jayapura"),
        _ => {}
    }
    let names = || TZ_VARIANTS.iter().map(|tz| tz.name());
    if let Some(exact) = names().find(|n| n.to_lowercase() == lower) {
        return Some(exact);
    }
    // A city without its region: `Jakarta`.
    if !lower.contains('/')
        && let Some(city) =
            names().find(|n| n.rsplit('/').next().is_some_and(|c| c.to_lowercase() == lower.replace(' ', "_")))
    {
        return Some(city);
    }
    did_you_mean(name, names())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_closest_zone() {
        assert_eq!(parse_time_zone("Asia/Jakarta"), Ok(Tz::Asia__Jakarta));
        for (wrong, right) in [
            ("Asia/Jakart", "Asia/Jakarta"),
            ("asia/jakarta", "Asia/Jakarta"),
            ("WIB", "Asia/Jakarta"),
            ("Makassar", "Asia/Makassar"),
        ] {
            assert_eq!(suggest(wrong), Some(right), "{wrong}");
        }
        assert_eq!(suggest("Mars/Olympus_Mons"), None);
    }
}
