//! `sigap due` and `sigap between`: check a calendar before going live.

use std::path::Path;
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use sigap_core::WorkDuration;
use sigap_core::calendar::BusinessCalendar;
use sigap_core::duration::DurationError;

use super::emit;
use super::files::load_calendar;

fn instant(flag: &str, text: &str) -> anyhow::Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text.trim()).map(|t| t.with_timezone(&Utc)).map_err(|e| {
        anyhow::anyhow!("{flag} `{text}` is not an RFC 3339 instant ({e}); write e.g. 2026-08-14T14:40:00+07:00")
    })
}

/// Prints the due instant of `duration` from `start`, in the calendar's zone, on the first line.
pub(crate) fn due(calendar: &Path, start: &str, duration: &str) -> anyhow::Result<ExitCode> {
    let start = instant("--start", start)?;
    let duration: WorkDuration =
        duration.parse().map_err(|e: DurationError| anyhow::anyhow!("--duration: {} ({})", e.message, e.help))?;
    let calendar = load_calendar(calendar).map_err(anyhow::Error::msg)?;
    let due = calendar.add(start, duration).map_err(|e| anyhow::anyhow!("{e}"))?;
    emit(&format!("{}\n", sigap_core::text::rfc3339(due, calendar.time_zone())))?;
    Ok(ExitCode::SUCCESS)
}

/// Prints the working minutes in `[from, to)` (negative when `to` is earlier).
pub(crate) fn between(calendar: &Path, from: &str, to: &str) -> anyhow::Result<ExitCode> {
    let from = instant("--from", from)?;
    let to = instant("--to", to)?;
    let calendar = load_calendar(calendar).map_err(anyhow::Error::msg)?;
    emit(&format!("{}\n", calendar.working_minutes_between(from, to)))?;
    Ok(ExitCode::SUCCESS)
}

/// What a batch asks of each line.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Question {
    /// `start`, `duration` → `due`.
    Due,
    /// `from`, `to` → `minutes`.
    Between,
}

impl Question {
    /// The two input fields and the answer's name.
    fn names(self) -> [&'static str; 3] {
        match self {
            Question::Due => ["start", "duration", "due"],
            Question::Between => ["from", "to", "minutes"],
        }
    }

    fn answer(self, calendar: &BusinessCalendar, a: &str, b: &str) -> Result<String, String> {
        let [first, second, _] = self.names();
        let instant = |flag: &str, text: &str| instant(flag, text).map_err(|e| e.to_string());
        match self {
            Question::Due => {
                let start = instant(first, a)?;
                let duration: WorkDuration =
                    b.trim().parse().map_err(|e: DurationError| format!("{second}: {} ({})", e.message, e.help))?;
                let due = calendar.add(start, duration).map_err(|e| e.to_string())?;
                Ok(sigap_core::text::rfc3339(due, calendar.time_zone()))
            }
            Question::Between => {
                let (from, to) = (instant(first, a)?, instant(second, b)?);
                Ok(calendar.working_minutes_between(from, to).to_string())
            }
        }
    }
}

/// A CSV field, quoted when it must be.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text.to_owned() }
}

/// Answers every line of `input` (`-`: standard input), JSON lines or CSV,
/// one output line per input line. A line that cannot be read is answered
/// with its error (and named on standard error with its number); the rest
/// still run, and the exit is 1 at the end if any failed.
pub(crate) fn batch(calendar: &Path, input: &Path, question: Question) -> anyhow::Result<ExitCode> {
    use std::io::{BufRead, Write};
    let calendar = load_calendar(calendar).map_err(anyhow::Error::msg)?;
    let reader: Box<dyn BufRead> = if input == Path::new("-") {
        Box::new(std::io::stdin().lock())
    } else {
        let file = std::fs::File::open(input).map_err(|e| anyhow::anyhow!("--batch {}: {e}", input.display()))?;
        Box::new(std::io::BufReader::new(file))
    };
    let [first, second, answer_name] = question.names();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let (mut answered, mut failed) = (0usize, 0usize);
    for (index, line) in reader.lines().enumerate() {
        let number = index + 1;
        let line = line.map_err(|e| anyhow::anyhow!("--batch {}: line {number}: {e}", input.display()))?;
        let text = line.trim();
        if text.is_empty() || text.starts_with('#') {
            continue;
        }
        let written = if text.starts_with('{') {
            let parsed = serde_json::from_str::<serde_json::Value>(text);
            let mut object = match &parsed {
                Ok(serde_json::Value::Object(object)) => object.clone(),
                _ => serde_json::Map::new(),
            };
            let field = |name: &str| object.get(name).and_then(|v| v.as_str()).map(str::to_owned);
            let result = match (&parsed, field(first), field(second)) {
                (Err(e), _, _) => Err(format!("not JSON: {e}")),
                (Ok(serde_json::Value::Object(_)), Some(a), Some(b)) => question.answer(&calendar, &a, &b),
                (Ok(_), _, _) => Err(format!("give `{first}` and `{second}` as strings in an object")),
            };
            object.insert("line".to_owned(), number.into());
            match &result {
                // Minutes are a number; a due instant is a string.
                Ok(answer) => object.insert(
                    answer_name.to_owned(),
                    answer.parse::<i64>().map_or_else(|_| answer.clone().into(), serde_json::Value::from),
                ),
                Err(message) => object.insert("error".to_owned(), message.clone().into()),
            };
            writeln!(out, "{}", serde_json::Value::Object(object)).map(|()| result)
        } else if index == 0 && text.eq_ignore_ascii_case(&format!("{first},{second}")) {
            writeln!(out, "{first},{second},{answer_name},error")?;
            continue;
        } else {
            let fields: Vec<&str> = text.split(',').map(|f| f.trim().trim_matches('"')).collect();
            let result = match fields[..] {
                [a, b] => question.answer(&calendar, a, b),
                _ => Err(format!("expected two fields, `{first},{second}`; found {}", fields.len())),
            };
            let (a, b) = (fields.first().copied().unwrap_or(""), fields.get(1).copied().unwrap_or(""));
            let row = match &result {
                Ok(answer) => format!("{},{},{},", csv_field(a), csv_field(b), csv_field(answer)),
                Err(message) => format!("{},{},,{}", csv_field(a), csv_field(b), csv_field(message)),
            };
            writeln!(out, "{row}").map(|()| result)
        };
        match written {
            Ok(Ok(_)) => answered += 1,
            Ok(Err(message)) => {
                failed += 1;
                out.flush()?;
                eprintln!("line {number}: {message}");
            }
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(ExitCode::SUCCESS),
            Err(e) => return Err(e.into()),
        }
    }
    match out.flush() {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(ExitCode::SUCCESS),
        other => other?,
    }
    if failed > 0 {
        eprintln!("{failed} of {} lines could not be answered", answered + failed);
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
