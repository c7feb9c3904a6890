//! The access matrix of a workflow: which role reaches a case at which
//! stage, reads which content, and may add notes and files where. Derived
//! from the same rules every view uses ([`super::policy`]), for a legal
//! officer to read and sign off (`sigap access`).

use serde::Serialize;

use crate::definition::{Definition, FieldKind, Reach, ReachRule, RoleKind, StageKind};
use crate::engine::EventKind;

fn md(text: &str) -> String {
    text.replace('\\', "\\\\").replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// One table of the matrix: a row per item, a column per staff role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    /// Its heading.
    pub title: String,
    /// What its marks mean, if it needs saying.
    pub legend: Option<String>,
    /// The first column's heading.
    pub head: String,
    /// The rows: the item, then one cell per role.
    pub rows: Vec<(String, Vec<String>)>,
}

/// The access matrix of a workflow, for `sigap access` and the SOP annex.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessMatrix {
    /// The workflow's label.
    pub title: String,
    /// The organisation's name.
    pub organisation: String,
    /// The text above the tables.
    pub preamble: String,
    /// The staff roles' labels (the columns).
    pub roles: Vec<String>,
    /// The tables.
    pub sections: Vec<Section>,
    /// The text below them.
    pub footer: String,
}

impl AccessMatrix {
    /// The matrix as Markdown.
    pub fn to_markdown(&self) -> String {
        let mut out =
            format!("# Hak akses: {}\n\n**{}**\n\n{}\n\n", md(&self.title), md(&self.organisation), self.preamble);
        for section in &self.sections {
            out.push_str(&format!("## {}\n\n", section.title));
            if let Some(legend) = &section.legend {
                out.push_str(&format!("{legend}\n\n"));
            }
            out.push_str(&format!("| {} |", md(&section.head)));
            for role in &self.roles {
                out.push_str(&format!(" {} |", md(role)));
            }
            out.push_str("\n|---|");
            for _ in &self.roles {
                out.push_str(":---:|");
            }
            out.push('\n');
            for (item, cells) in &section.rows {
                out.push_str(&format!("| {} |", md(item)));
                for cell in cells {
                    out.push_str(&format!(" {} |", md(cell)));
                }
                out.push('\n');
            }
            out.push('\n');
        }
        out.push_str(&self.footer);
        out.push('\n');
        out
    }
}

/// The matrix as Markdown.
pub fn to_markdown(definition: &Definition) -> String {
    matrix(definition).to_markdown()
}

/// Builds the matrix from the same rules every view uses.
pub fn matrix(definition: &Definition) -> AccessMatrix {
    let file = definition.file();
    let roles: Vec<(&str, &str)> =
        file.roles.iter().filter(|r| r.kind == RoleKind::Staff).map(|r| (r.id.as_str(), r.label.as_str())).collect();
    let one = |role: &str| vec![role.to_owned()];
    let mark = |yes: bool| if yes { "●".to_owned() } else { "–".to_owned() };
    let per_role = |f: &dyn Fn(&str) -> String| roles.iter().map(|(role, _)| f(role)).collect::<Vec<_>>();
    let mut sections = Vec::new();

    let reach_rows = file
        .stages
        .iter()
        .filter(|s| s.kind != StageKind::Applicant)
        .map(|stage| {
            let cells = per_role(&|role| {
                let own = super::policy::own_stages(definition, role);
                let supervises = stage.supervisor.as_deref() == Some(role);
                let performs = stage.role.as_deref() == Some(role);
                match super::policy::reach_of(definition, role).as_ref() {
                    Reach::Rule(ReachRule::All) => "●",
                    Reach::Rule(ReachRule::OwnStages) if own.contains(&stage.id.as_str()) => "●",
                    Reach::Rule(ReachRule::OwnStages) => "◐",
                    Reach::Rule(ReachRule::Assigned) if supervises => "●",
                    Reach::Rule(ReachRule::Assigned) if performs => "✋",
                    Reach::Rule(ReachRule::Assigned) => "–",
                    Reach::Stages(stages) if supervises || stages.contains(&stage.id) => "●",
                    Reach::Stages(_) => "–",
                }
                .to_owned()
            });
            (stage.label.clone(), cells)
        })
        .collect();
    sections.push(Section {
        title: "Jangkauan: di tahap mana peran dapat membuka permohonan".to_owned(),
        legend: Some("● selalu; ◐ bila permohonan pernah berada di tahap peran itu; ✋ bila tugas itu belum diambil atau dipegang orang itu; – tidak (jawabannya sama dengan permohonan yang tidak ada).".to_owned()),
        head: "Tahap".to_owned(),
        rows: reach_rows,
    });

    let mut field_rows: Vec<(String, Vec<String>)> = file
        .form
        .fields
        .iter()
        .map(|field| {
            let label = if field.confidential { format!("{} (rahasia)", field.label) } else { field.label.clone() };
            (label, per_role(&|role| mark(definition.may_read_field(&[role], field))))
        })
        .collect();
    field_rows.push((
        "Nama berkas asli (selain itu: lampiran-N)".to_owned(),
        per_role(&|role| mark(super::policy::reads_identity(definition, &one(role)))),
    ));
    sections.push(Section {
        title: "Isian formulir: siapa membaca".to_owned(),
        legend: None,
        head: "Isian".to_owned(),
        rows: field_rows,
    });

    let input_rows: Vec<(String, Vec<String>)> = file
        .actions
        .iter()
        .flat_map(|a| a.inputs.iter().map(move |f| (a, f)))
        .map(|(a, f)| {
            let kind = if f.kind == FieldKind::File { " (berkas)" } else { "" };
            let public = if f.public { " — terlihat pemohon" } else { "" };
            let cells = per_role(&|role| mark(super::policy::reads_input(definition, &a.id, &f.id, &one(role))));
            (format!("{} · {}{kind}{public}", a.label, f.label), cells)
        })
        .collect();
    if !input_rows.is_empty() {
        sections.push(Section {
            title: "Masukan tindakan: siapa membaca".to_owned(),
            legend: None,
            head: "Tindakan · masukan".to_owned(),
            rows: input_rows,
        });
    }

    let history_rows = EventKind::NAMES
        .iter()
        .map(|kind| {
            (format!("`{kind}`"), per_role(&|role| mark(super::policy::sees_event(definition, kind, &one(role)))))
        })
        .collect();
    sections.push(Section {
        title: "Riwayat: jenis catatan riwayat yang terlihat".to_owned(),
        legend: Some("Catatan internal juga mengikuti pembacanya (semua petugas, peran tertentu, atau pemohon juga), dipilih saat ditulis.".to_owned()),
        head: "Jenis".to_owned(),
        rows: history_rows,
    });

    let add_rows =
        [("Catatan internal", file.visibility.notes.as_ref()), ("Lampiran", file.visibility.attachments.as_ref())]
            .into_iter()
            .map(|(label, rule)| {
                let cells = per_role(&|role| {
                    let by = rule.is_none_or(|r| r.by.is_empty() || r.by.iter().any(|b| b == role));
                    match rule {
                        _ if !by => "–".to_owned(),
                        Some(r) if !r.stages.is_empty() => format!("● di {}", r.stages.join(", ")),
                        _ => "●".to_owned(),
                    }
                });
                (label.to_owned(), cells)
            })
            .collect();
    sections.push(Section {
        title: "Menambah catatan internal dan lampiran".to_owned(),
        legend: None,
        head: "Menambah".to_owned(),
        rows: add_rows,
    });

    let after: Vec<&str> =
        [("catatan", file.visibility.notes.as_ref()), ("lampiran", file.visibility.attachments.as_ref())]
            .into_iter()
            .filter(|(_, r)| r.is_some_and(|r| r.after_closing))
            .map(|(l, _)| l)
            .collect();
    let footer = format!(
        "Setelah permohonan selesai: {}.",
        if after.is_empty() {
            "tidak ada yang dapat ditambahkan (hanya survei oleh pemohon)".to_owned()
        } else {
            format!("{} masih dapat ditambahkan", after.join(" dan "))
        }
    );
    let preamble = format!(
        "Versi definisi {}{}. ● boleh, – tidak boleh. Pemohon melihat permohonannya sendiri melalui kode pelacakan dan kode rahasia: {}.",
        definition.short_version(),
        if file.visibility.default == crate::definition::Access::Closed {
            ", tertutup kecuali diizinkan (default = \"closed\")"
        } else {
            ""
        },
        file.visibility.applicant.iter().map(|v| format!("{v:?}").to_lowercase()).collect::<Vec<_>>().join(", ")
    );
    AccessMatrix {
        title: file.label.clone(),
        organisation: file.organisation.name.clone(),
        preamble,
        roles: roles.iter().map(|(_, label)| (*label).to_owned()).collect(),
        sections,
        footer,
    }
}
