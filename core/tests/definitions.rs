//! The shipped workflow definitions load, and say what the SOP says.

use sigap_core::definition::{Definition, StageKind};

fn load(path: &str) -> Definition {
    let full = format!("{}/../{path}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&full).unwrap();
    match Definition::load(path, &text) {
        Ok(definition) => definition,
        Err(errors) => panic!("{errors}"),
    }
}

#[test]
fn west_sumatra_consultation_loads() {
    let definition = load("workflows/sumbar/konsultasi-hukum.toml");
    assert_eq!(definition.id(), "konsultasi-hukum-asn");
    assert_eq!(definition.organisation_id(), "sumbar-biro-hukum");
    assert_eq!(definition.version().len(), 64);
}

#[test]
fn the_second_organisation_loads_with_other_roles_and_a_revision_loop() {
    let definition = load("workflows/kabupaten-contoh/pendampingan-hukum.toml");
    assert_eq!(definition.organisation_id(), "kab-contoh-bagian-hukum");
    let loop_back = definition.action("revisi_telaah").unwrap();
    assert_eq!(loop_back.to, "telaah");
    assert!(definition.file().stages.iter().filter(|s| s.kind == StageKind::Task).count() > 5);
}

#[test]
fn the_sop_table_shows_the_six_activities_as_in_the_source() {
    use sigap_core::definition::sop::SopTable;
    let definition = load("workflows/sumbar/konsultasi-hukum.toml");
    let table = SopTable::new(&definition);
    let rows: Vec<(usize, &str, &str, &str, &str)> = table
        .rows
        .iter()
        .map(|r| {
            (
                r.number,
                table.performers[r.performer].role.as_str(),
                r.time.as_str(),
                r.output.as_str(),
                r.requirements.as_str(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            (1, "pemohon", "5 menit", "Permintaan masuk", "Akun aktif dan koneksi internet"),
            (
                2,
                "pemohon",
                "15 menit",
                "Permohonan konsultasi",
                "Formulir lengkap, identitas, pokok masalah dan pertanyaan"
            ),
            (3, "pokja_dokumentasi", "30 menit", "Pertanyaan terverifikasi", "Formulir dan dokumen pendukung"),
            (4, "pokja_layanan", "1 hari kerja", "Draft jawaban hukum", "Dokumen kajian"),
            (5, "kepala_bagian", "1 hari kerja", "Draft jawaban hukum yang disetujui", "Dokumen kajian"),
            (6, "pokja_dokumentasi", "15 menit", "Jawaban hukum yang akan dikirim ke pemohon", "Dokumen kajian"),
        ]
    );
    insta::assert_snapshot!("sumbar_sop_markdown", table.to_markdown());
}

#[test]
fn the_stage_diagram_renders_as_mermaid_and_dot() {
    use sigap_core::definition::graph;
    let definition = load("workflows/sumbar/konsultasi-hukum.toml");
    insta::assert_snapshot!("sumbar_mermaid", graph::mermaid(&definition));
    insta::assert_snapshot!("sumbar_dot", graph::dot(&definition));
}

#[test]
fn the_version_is_a_content_hash_that_ignores_comments_but_not_labels() {
    let path = "workflows/sumbar/konsultasi-hukum.toml";
    let text = std::fs::read_to_string(format!("{}/../{path}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let original = Definition::load(path, &text).unwrap();
    let commented = Definition::load(path, &format!("# a new comment\n{text}")).unwrap();
    assert_eq!(original.version(), commented.version());
    let relabelled = Definition::load(path, &text.replace("Kirim permohonan", "Kirim")).unwrap();
    assert_ne!(original.version(), relabelled.version());
}

#[test]
fn the_committed_json_schema_is_the_generated_one() {
    let path = format!("{}/../workflows/workflow.schema.json", env!("CARGO_MANIFEST_DIR"));
    let committed = std::fs::read_to_string(&path).unwrap();
    let generated = serde_json::to_string_pretty(&sigap_core::definition::json_schema()).unwrap() + "\n";
    assert!(committed == generated, "regenerate it: cargo run --bin sigap -- schema > workflows/workflow.schema.json");
    let schema: serde_json::Value = serde_json::from_str(&committed).unwrap();
    // Unknown keys are rejected by editors too.
    assert_eq!(schema["additionalProperties"], false);
    assert!(schema["properties"]["stages"].is_object());
}
