//! `sigap check`: validate files and print every problem, located.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use sigap_core::Diagnostics;
use sigap_core::definition::Definition;
use sigap_core::toml_doc::Document;

use sigap_core::calendar::HolidayFile;

use super::files::{FileKind, expand, kind_of, load_calendar, load_workflow, read_text};

pub(crate) fn run(paths: &[PathBuf], as_of: Option<chrono::NaiveDate>) -> anyhow::Result<ExitCode> {
    let files = expand(paths);
    if files.is_empty() {
        anyhow::bail!("no .toml files found under the given folders");
    }
    // Today in Jakarta, from the one clock, unless asked for another day: the
    // shipped calendars are Indonesian, and a day's difference does not change
    // a twelve-month warning.
    let today = match as_of {
        Some(day) => day,
        None => crate::clock::Clock::from_env()?.now().with_timezone(&chrono_tz::Asia::Jakarta).date_naive(),
    };
    let mut failed = 0usize;
    // A calendar shared by several workflows is warned about once.
    let mut warned = std::collections::BTreeSet::new();
    for path in &files {
        match check_file(path, today) {
            Ok((summary, warnings)) => {
                super::emit(&format!("ok    {}  {summary}\n", path.display()))?;
                for warning in warnings {
                    if warned.insert(warning.clone()) {
                        eprintln!("warning: {}: {warning}", path.display());
                    }
                }
            }
            Err(report) => {
                failed += 1;
                super::emit(&format!("FAIL  {}\n", path.display()))?;
                eprintln!("{report}\n");
            }
        }
    }
    if !warned.is_empty() {
        let n = warned.len();
        eprintln!("{n} warning{} (warnings do not fail the check)", if n == 1 { "" } else { "s" });
    }
    if failed > 0 {
        eprintln!("{failed} of {} file{} failed the check", files.len(), if files.len() == 1 { "" } else { "s" });
        Ok(ExitCode::from(1))
    } else {
        Ok(ExitCode::SUCCESS)
    }
}

/// A file's summary line and its warnings (that do not fail the check), or its errors.
fn check_file(path: &Path, today: chrono::NaiveDate) -> Result<(String, Vec<String>), String> {
    let text = read_text(path)?;
    let name = path.display().to_string();
    let doc = Document::parse(&name, &text).map_err(|d| d.to_string())?;
    let kind = kind_of(&doc).map_err(|d| d.to_string())?;
    let render = |d: Diagnostics| d.to_string();
    match kind {
        FileKind::Workflow => {
            // Check the definition alone first, so its own errors are reported even
            // when the calendar it names is broken too.
            let definition = Definition::from_document(&doc).map_err(render)?;
            let workflow = load_workflow(path)?;
            let summary = format!(
                "workflow `{}` version {} (calendar `{}` version {})",
                definition.id(),
                definition.short_version(),
                workflow.calendar.id(),
                &workflow.calendar.version()[..12]
            );
            let mut warnings: Vec<String> = definition
                .warnings()
                .iter()
                .map(|d| {
                    format!(
                        "[{}] {} (line {}, column {}, at {}); {}",
                        d.code, d.message, d.line, d.column, d.path, d.help
                    )
                })
                .collect();
            warnings.extend(workflow.calendar.holiday_horizon_warning(today));
            Ok((summary, warnings))
        }
        FileKind::Calendar => {
            let calendar = load_calendar(path)?;
            let summary = format!(
                "calendar `{}` version {}, {} holiday days",
                calendar.id(),
                &calendar.version()[..12],
                calendar.holidays().count()
            );
            Ok((summary, calendar.holiday_horizon_warning(today).into_iter().collect()))
        }
        FileKind::Holidays => {
            let holidays = HolidayFile::load(&name, &text).map_err(render)?;
            Ok((format!("holiday file, {} days", holidays.days().count()), Vec::new()))
        }
    }
}
