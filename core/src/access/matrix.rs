//! The access matrix of a workflow: which role reaches a case at which
//! stage, reads which content, and may add notes and files where. Derived
//! from the same rules every view uses ([`super::policy`]), for a legal
//! officer to read and sign off (`sigap access`).

use crate::definition::{Definition, FieldKind, Reach, ReachRule, RoleKind, StageKind};
use crate::engine::EventKind;

fn md(text: &str) -> String {
    text.replace('\\', "\\\\").replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// The matrix as Markdown.
pub fn to_markdown(definition: &Definition) -> String {
    let file = definition.file();
    let roles: Vec<(&str, &str)> =
        file.roles.iter().filter(|r| r.kind == RoleKind::Staff).map(|r| (r.id.as_str(), r.label.as_str())).collect();
    let head = |first: &str| {
        let mut out = format!("| {first} |");
        for (_, label) in &roles {
            out.push_str(&format!(" {} |", md(label)));
        }
        out.push_str("\n|---|");
        for _ in &roles {
            out.push_str(":---:|");
        }
        out.push('\n');
        out
    };
    let mark = |yes: bool| if yes { " ● |" } else { " – |" };
    let one = |role: &str| vec![role.to_owned()];
    let mut out = format!("# Hak akses: {}\n\n**{}**\n\n", md(&file.label), md(&file.organisation.name));
    out.push_str(&format!(
        "Versi definisi {}. ● boleh, – tidak boleh. Pemohon melihat permohonannya sendiri melalui kode pelacakan dan kode rahasia: {}.\n\n",
        definition.short_version(),
        file.visibility
            .applicant
            .iter()
            .map(|v| format!("{v:?}").to_lowercase())
            .collect::<Vec<_>>()
            .join(", ")
    ));

    out.push_str("## Jangkauan: di tahap mana peran dapat membuka permohonan\n\n");
    out.push_str(
        "● selalu; ◐ bila permohonan pernah berada di tahap peran itu; ✋ bila tugas itu belum diambil atau dipegang orang itu; – tidak (jawabannya sama dengan permohonan yang tidak ada).\n\n",
    );
    out.push_str(&head("Tahap"));
    for stage in file.stages.iter().filter(|s| s.kind != StageKind::Applicant) {
        out.push_str(&format!("| {} |", md(&stage.label)));
        for (role, _) in &roles {
            let own = super::policy::own_stages(definition, role);
            let supervises = stage.supervisor.as_deref() == Some(*role);
            let performs = stage.role.as_deref() == Some(*role);
            let cell = match super::policy::reach_of(definition, role).as_ref() {
                Reach::Rule(ReachRule::All) => "●",
                Reach::Rule(ReachRule::OwnStages) if own.contains(&stage.id.as_str()) => "●",
                Reach::Rule(ReachRule::OwnStages) => "◐",
                Reach::Rule(ReachRule::Assigned) if supervises => "●",
                Reach::Rule(ReachRule::Assigned) if performs => "✋",
                Reach::Rule(ReachRule::Assigned) => "–",
                Reach::Stages(stages) if supervises || stages.contains(&stage.id) => "●",
                Reach::Stages(_) => "–",
            };
            out.push_str(&format!(" {cell} |"));
        }
        out.push('\n');
    }

    out.push_str("\n## Isian formulir: siapa membaca\n\n");
    out.push_str(&head("Isian"));
    for field in &file.form.fields {
        let label = if field.confidential { format!("{} (rahasia)", field.label) } else { field.label.clone() };
        out.push_str(&format!("| {} |", md(&label)));
        for (role, _) in &roles {
            out.push_str(mark(definition.may_read_field(&[role], field)));
        }
        out.push('\n');
    }
    out.push_str("| Nama berkas asli (selain itu: lampiran-N) |");
    for (role, _) in &roles {
        out.push_str(mark(super::policy::reads_identity(definition, &one(role))));
    }
    out.push('\n');

    let inputs: Vec<(String, String, String)> = file
        .actions
        .iter()
        .flat_map(|a| {
            a.inputs.iter().map(move |f| {
                let kind = if f.kind == FieldKind::File { " (berkas)" } else { "" };
                let public = if f.public { " — terlihat pemohon" } else { "" };
                (a.id.clone(), f.id.clone(), format!("{} · {}{kind}{public}", a.label, f.label))
            })
        })
        .collect();
    if !inputs.is_empty() {
        out.push_str("\n## Masukan tindakan: siapa membaca\n\n");
        out.push_str(&head("Tindakan · masukan"));
        for (action, input, label) in &inputs {
            out.push_str(&format!("| {} |", md(label)));
            for (role, _) in &roles {
                out.push_str(mark(super::policy::reads_input(definition, action, input, &one(role))));
            }
            out.push('\n');
        }
    }

    out.push_str("\n## Riwayat: jenis catatan riwayat yang terlihat\n\n");
    out.push_str(&head("Jenis"));
    for kind in EventKind::NAMES {
        out.push_str(&format!("| `{kind}` |"));
        for (role, _) in &roles {
            out.push_str(mark(super::policy::sees_event(definition, kind, &one(role))));
        }
        out.push('\n');
    }

    out.push_str("\n## Menambah catatan internal dan lampiran\n\n");
    out.push_str(&head("Menambah"));
    for (label, rule) in
        [("Catatan internal", file.visibility.notes.as_ref()), ("Lampiran", file.visibility.attachments.as_ref())]
    {
        out.push_str(&format!("| {label} |"));
        for (role, _) in &roles {
            let by = rule.is_none_or(|r| r.by.is_empty() || r.by.iter().any(|b| b == role));
            let cell = match rule {
                _ if !by => "–".to_owned(),
                Some(r) if !r.stages.is_empty() => {
                    let stages: Vec<&str> = r.stages.iter().map(String::as_str).collect();
                    format!("● di {}", stages.join(", "))
                }
                _ => "●".to_owned(),
            };
            out.push_str(&format!(" {cell} |"));
        }
        out.push('\n');
    }
    let after: Vec<&str> =
        [("catatan", file.visibility.notes.as_ref()), ("lampiran", file.visibility.attachments.as_ref())]
            .into_iter()
            .filter(|(_, r)| r.is_some_and(|r| r.after_closing))
            .map(|(l, _)| l)
            .collect();
    out.push_str(&format!(
        "\nSetelah permohonan selesai: {}.\n",
        if after.is_empty() {
            "tidak ada yang dapat ditambahkan (hanya survei oleh pemohon)".to_owned()
        } else {
            format!("{} masih dapat ditambahkan", after.join(" dan "))
        }
    ));
    out
}
