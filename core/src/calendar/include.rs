//! The holiday files a calendar includes.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::holiday::{Holiday, HolidayFile};
use crate::diag::{Diagnostic, KeyPath};
use crate::toml_doc::Document;

/// A holiday from an included file, and which file.
pub(crate) struct Source {
    pub(crate) holiday: Holiday,
    pub(crate) file: String,
}

/// Reads every entry of `include = [...]` through `include`. Problems with
/// an entry (unreadable, not a holiday file, listed twice, overlapping
/// another file) go to `out`, located at the entry; problems inside an
/// included file go to `foreign`, located in that file.
#[allow(clippy::type_complexity)]
pub(crate) fn read_includes(
    doc: &Document<'_>,
    paths: &[String],
    include: &mut dyn FnMut(&str) -> Result<(String, String), String>,
    out: &mut Vec<Diagnostic>,
    foreign: &mut Vec<Diagnostic>,
) -> BTreeMap<NaiveDate, Source> {
    let root = KeyPath::root();
    let mut included: BTreeMap<NaiveDate, Source> = BTreeMap::new();
    for (i, path_text) in paths.iter().enumerate() {
        let path = root.key("include").index(i);
        if let Some(first) = paths[..i].iter().position(|p| p == path_text) {
            out.push(doc.error(
                "duplicate-include",
                path,
                format!("`{path_text}` is included twice (also `include[{first}]`)"),
                "include each holiday file once: remove this entry",
            ));
            continue;
        }
        let (name, text) = match include(path_text) {
            Ok(found) => found,
            Err(reason) => {
                out.push(doc.error(
                    "include-unreadable",
                    path,
                    format!("cannot read the included file `{path_text}`: {reason}"),
                    "check the path: it is relative to this calendar file, e.g. `../indonesia/libur-nasional-2026.toml`",
                ));
                continue;
            }
        };
        let holidays = match Document::parse(&name, &text) {
            Err(errors) => {
                foreign.extend(errors.0);
                continue;
            }
            Ok(included_doc) => {
                if let Some(kind) = included_doc.top_level_str("kind").filter(|k| *k != "holidays") {
                    out.push(doc.error(
                        "include-not-holidays",
                        path,
                        format!("`{path_text}` is not a holiday file (its `kind` is `{kind}`)"),
                        "`include` lists holiday files (`kind = \"holidays\"`) only: remove this entry or point it at a holiday file",
                    ));
                    continue;
                }
                if !included_doc.has_top_level("kind") {
                    out.push(doc.error(
                        "include-not-holidays",
                        path,
                        format!("`{path_text}` is not a holiday file (it has no `kind`)"),
                        "`include` lists holiday files (`kind = \"holidays\"`) only: remove this entry or point it at a holiday file",
                    ));
                    continue;
                }
                match HolidayFile::from_document(&included_doc) {
                    Ok(file) => file,
                    Err(errors) => {
                        foreign.extend(errors.0);
                        continue;
                    }
                }
            }
        };
        let mut clash: Option<(NaiveDate, String)> = None;
        let mut clashes = 0;
        for (date, entry) in holidays.days() {
            if let Some(first) = included.get(&date) {
                clashes += 1;
                clash.get_or_insert((date, first.file.clone()));
                continue;
            }
            let holiday = Holiday { name: entry.name.clone(), kind: entry.kind };
            included.insert(date, Source { holiday, file: name.clone() });
        }
        if let Some((date, first)) = clash {
            let more = if clashes > 1 { format!(" (and {} more days)", clashes - 1) } else { String::new() };
            out.push(doc.error(
                "duplicate-date",
                path,
                format!("`{name}` lists {date}{more}, which `{first}` already lists"),
                "a day may be a holiday in one included file only: include each year's file once, and fix the overlapping files",
            ));
        }
    }

    included
}
