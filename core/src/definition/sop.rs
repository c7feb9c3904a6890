//! The procedure in the official Indonesian SOP table shape.
//!
//! Permenpan RB 35/2012 lays an SOP out as a table: each activity, a column
//! per performer with the one who performs it marked, then the quality
//! standard ("Mutu Baku": requirements, time, output) and a note. The
//! [`SopTable`] is that table, derived from the definition: one row per
//! applicant step and staff task, in file order, and one per waiting stage
//! that carries a timer rule (the applicant's row: "paling lama 5 hari
//! kerja, lalu ditutup otomatis"). Other waiting stages and terminal stages
//! are states, not activities, and appear in the stage diagram instead.
//! Each stage's timer rules are added to its note.

use serde::Serialize;

use super::{Definition, RoleKind, StageKind};

/// A performer column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Performer {
    /// The role's id.
    pub role: String,
    /// The role's label (the column heading).
    pub label: String,
}

/// One activity row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SopRow {
    /// 1-based activity number.
    pub number: usize,
    /// The stage id.
    pub stage: String,
    /// Kegiatan.
    pub activity: String,
    /// Index into [`SopTable::performers`].
    pub performer: usize,
    /// Mutu baku: kelengkapan.
    pub requirements: String,
    /// Mutu baku: waktu, in Indonesian (e.g. `30 menit`).
    pub time: String,
    /// Mutu baku: output.
    pub output: String,
    /// Keterangan.
    pub note: String,
}

/// The SOP document: header facts and the activity table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SopTable {
    /// Nama SOP.
    pub title: String,
    /// The organisation and unit.
    pub organisation: String,
    /// Header facts in document order: (label, value).
    pub facts: Vec<(String, String)>,
    /// Header lists in document order: (label, items).
    pub lists: Vec<(String, Vec<String>)>,
    /// Performer columns: the applicant first, then staff roles in order of first appearance.
    pub performers: Vec<Performer>,
    /// The activities.
    pub rows: Vec<SopRow>,
}

impl SopTable {
    /// Derive the table from a definition.
    pub fn new(definition: &Definition) -> Self {
        let file = definition.file();
        let sop = file.sop.clone().unwrap_or_default();
        let activities: Vec<_> = file
            .stages
            .iter()
            .filter(|s| {
                matches!(s.kind, StageKind::Applicant | StageKind::Task)
                    || (s.kind == StageKind::Waiting && !s.timers.is_empty())
            })
            .collect();
        let rules =
            |stage: &super::Stage| -> Vec<String> { stage.timers.iter().map(|t| t.describe(definition)).collect() };
        let note = |stage: &super::Stage| stage.note.iter().cloned().chain(rules(stage)).collect::<Vec<_>>().join("; ");
        // A waiting stage's time is its first interrupting timer's offset.
        let time = |stage: &super::Stage| match stage.kind {
            StageKind::Waiting => stage
                .timers
                .iter()
                .find(|t| t.is_interrupting())
                .and_then(|t| t.after)
                .map(|o| format!("paling lama {}", o.to_indonesian()))
                .unwrap_or_default(),
            _ => stage.time_standard.map(|d| d.to_indonesian()).unwrap_or_default(),
        };
        let mut performers: Vec<Performer> = Vec::new();
        let applicant = definition.applicant_role();
        performers.push(Performer { role: applicant.id.clone(), label: applicant.label.clone() });
        for stage in &activities {
            if let Some(role) = stage.role.as_deref().and_then(|r| definition.role(r))
                && role.kind == RoleKind::Staff
                && !performers.iter().any(|p| p.role == role.id)
            {
                performers.push(Performer { role: role.id.clone(), label: role.label.clone() });
            }
        }
        let rows = activities
            .iter()
            .enumerate()
            .map(|(i, stage)| SopRow {
                number: i + 1,
                stage: stage.id.clone(),
                activity: stage.label.clone(),
                performer: stage.role.as_deref().and_then(|r| performers.iter().position(|p| p.role == r)).unwrap_or(0),
                requirements: stage.requirements.clone().unwrap_or_default(),
                time: time(stage),
                output: stage.output.clone().unwrap_or_default(),
                note: note(stage),
            })
            .collect();
        let mut facts = Vec::new();
        let mut fact = |label: &str, value: Option<String>| {
            if let Some(value) = value.filter(|v| !v.is_empty()) {
                facts.push((label.to_owned(), value));
            }
        };
        fact("Nomor SOP", sop.number.clone());
        fact("Tanggal Pembuatan", sop.made.map(|d| d.to_string()));
        fact("Tanggal Revisi", sop.revised.map(|d| d.to_string()));
        fact("Tanggal Efektif", sop.effective.map(|d| d.to_string()));
        fact("Disahkan oleh", sop.approved_by.clone());
        fact("Peringatan", sop.warning.clone());
        fact("Pencatatan dan Pendataan", sop.records.clone());
        fact(
            "Versi definisi",
            Some(format!(
                "{} ({})",
                file.revision.clone().unwrap_or_else(|| "-".to_owned()),
                definition.short_version()
            )),
        );
        let lists = [
            ("Dasar Hukum", sop.legal_basis),
            ("Kualifikasi Pelaksana", sop.qualifications),
            ("Keterkaitan", sop.related),
            ("Peralatan/Perlengkapan", sop.equipment),
        ]
        .into_iter()
        .filter(|(_, items)| !items.is_empty())
        .map(|(label, items)| (label.to_owned(), items))
        .collect();
        let organisation = match &file.organisation.unit {
            Some(unit) => format!("{} — {}", file.organisation.name, unit),
            None => file.organisation.name.clone(),
        };
        Self { title: sop.title.unwrap_or_else(|| file.label.clone()), organisation, facts, lists, performers, rows }
    }

    /// The table as Markdown (GitHub-flavoured).
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        out.push_str(&format!("# {}\n\n", md(&self.title)));
        out.push_str(&format!("**{}**\n\n", md(&self.organisation)));
        if !self.facts.is_empty() {
            out.push_str("| | |\n|---|---|\n");
            for (label, value) in &self.facts {
                out.push_str(&format!("| {} | {} |\n", md(label), md(value)));
            }
            out.push('\n');
        }
        for (label, items) in &self.lists {
            out.push_str(&format!("**{}**\n\n", md(label)));
            for (i, item) in items.iter().enumerate() {
                out.push_str(&format!("{}. {}\n", i + 1, md(item)));
            }
            out.push('\n');
        }
        out.push_str("| No. | Kegiatan |");
        for performer in &self.performers {
            out.push_str(&format!(" {} |", md(&performer.label)));
        }
        out.push_str(" Kelengkapan | Waktu | Output | Keterangan |\n|---:|---|");
        for _ in &self.performers {
            out.push_str(":---:|");
        }
        out.push_str("---|---|---|---|\n");
        for row in &self.rows {
            out.push_str(&format!("| {} | {} |", row.number, md(&row.activity)));
            for i in 0..self.performers.len() {
                out.push_str(if i == row.performer { " ● |" } else { " |" });
            }
            out.push_str(&format!(
                " {} | {} | {} | {} |\n",
                md(&row.requirements),
                md(&row.time),
                md(&row.output),
                md(&row.note)
            ));
        }
        out
    }
}

/// Escapes text for a Markdown table cell.
fn md(text: &str) -> String {
    text.replace('\\', "\\\\").replace('|', "\\|").replace(['\n', '\r'], " ")
}
