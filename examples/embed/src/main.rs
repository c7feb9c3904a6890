//! Embedding Sigap in another provincial service: load a workflow from TOML,
//! open a sled store, submit a case, move it through two stages, and print
//! its history and its clocks.
//!
//! Run with `cargo run -p sigap-embed-example`.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use sigap_core::engine::{CaseId, Command, NewCase, Principal, TrackingCode, generate_secret, hash_secret, history};
use sigap_core::form::{Input, check_upload};
use sigap_core::service::{Outcome, Service};
use sigap_core::storage::Store;
use sigap_core::workflow::Workflow;
use sigap_storage_sled::SledStore;

/// A wall-clock instant in WIB (UTC+7).
fn wib(local: &str) -> DateTime<Utc> {
    NaiveDateTime::parse_from_str(local, "%Y-%m-%d %H:%M").expect("a valid instant").and_utc() - TimeDelta::hours(7)
}

fn text(pairs: &[(&str, &str)]) -> BTreeMap<String, Input> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), Input::Text((*v).to_owned()))).collect()
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // 1. The workflow and the calendar it names, read relative to each other.
    let workflows = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../workflows");
    let file = workflows.join("sumbar/konsultasi-hukum.toml");
    let workflow = Workflow::load(&file.display().to_string(), &std::fs::read_to_string(&file)?, &mut |base, path| {
        let full = Path::new(base).parent().unwrap_or(Path::new(".")).join(path);
        let text = std::fs::read_to_string(&full).map_err(|e| format!("{}: {e}", full.display()))?;
        Ok((full.display().to_string(), text))
    })
    .map_err(|diagnostics| anyhow::anyhow!("{diagnostics}"))?;
    let org = workflow.organisation().to_owned();
    println!("workflow {} version {}", workflow.id(), workflow.definition.short_version());

    // 2. A store and the service on top of it.
    let dir = tempfile::tempdir()?;
    let store = Arc::new(SledStore::open(dir.path())?);
    let service = Service::new(store.clone());
    service.install(workflow.clone()).await?;

    // 3. A civil servant submits (randomness comes from the caller: fixed here).
    let secret = generate_secret([7; 20]);
    let new = NewCase {
        id: CaseId::generate(1_788_742_800_000, [1; 10]),
        tracking_code: TrackingCode::generate([1, 2, 3, 4, 5]),
        secret_hash: hash_secret(&secret),
    };
    let mut form = text(&[
        ("nama", "Siti Rahmawati"),
        ("nip", "19820414 200604 2 003"),
        ("jabatan", "Kepala Seksi Pengadaan"),
        ("unit_kerja", "Dinas Pekerjaan Umum"),
        ("alamat", "Jl. Sudirman 1, Padang"),
        ("telepon", "0812 3456 7890"),
        ("email", "siti@example.go.id"),
        ("kategori", "pengadaan"),
        ("pokok_masalah", "Pemeriksaan sebagai saksi"),
        ("uraian", "Saya dipanggil sebagai saksi terkait pengadaan jalan yang saya tangani tahun lalu."),
        ("pertanyaan", "Apa hak dan kewajiban saya sebagai saksi?"),
    ]);
    form.insert("persetujuan".to_owned(), Input::Bool(true));
    let Outcome::Applied { case, .. } =
        service.submit(&org, workflow.id(), new, form, None, wib("2026-09-07 09:00")).await?
    else {
        anyhow::bail!("the submission was not applied");
    };
    println!("submitted: tracking code {} (secret {secret}), stage {}", case.tracking_code, case.stage);

    // 4. The documentation working group verifies; an analyst submits the draft study.
    let verifier = Principal::staff("libertinova", &["pokja_dokumentasi"]);
    let forward = Command::Perform { action: "teruskan".to_owned(), inputs: BTreeMap::new(), form: None };
    service.execute(&org, &case.id, &verifier, &forward, None, None, wib("2026-09-07 09:20")).await?;

    let draft_field =
        workflow.definition.action("ajukan_draf").and_then(|a| a.inputs.iter().find(|f| f.id == "dokumen_kajian"));
    let draft_field = draft_field.ok_or_else(|| anyhow::anyhow!("the workflow has no draft document input"))?;
    let pdf = b"%PDF-1.4\n% kajian hukum\n%%EOF\n";
    let file = check_upload(draft_field, "kajian.pdf", pdf).map_err(|e| anyhow::anyhow!("{e}"))?;
    store_blob(&service, &org, &file.id, pdf).await?;
    let analyst = Principal::staff("yenni", &["pokja_layanan"]);
    let submit_draft = Command::Perform {
        action: "ajukan_draf".to_owned(),
        inputs: BTreeMap::from([("dokumen_kajian".to_owned(), Input::Files(vec![file]))]),
        form: None,
    };
    let outcome = service.execute(&org, &case.id, &analyst, &submit_draft, None, None, wib("2026-09-08 11:00")).await?;
    let Outcome::Applied { case, .. } = outcome else { anyhow::bail!("the draft was not applied") };

    // 5. The history (hash-chained) and the clocks.
    let tz = workflow.calendar.time_zone();
    let local = |t: DateTime<Utc>| t.with_timezone(&tz).format("%a %d %b %H:%M").to_string();
    println!("\nhistory of case {}:", case.id);
    let events = store.events(&org, &case.id).await?;
    for event in &events {
        println!("  #{:<2} {}  {:<16} {}", event.seq, local(event.at), event.kind.name(), event.actor.describe());
    }
    history::verify_against(&case.id, &events, case.version, &case.head)?;
    println!("  the hash chain verifies ({} events)", events.len());
    println!("\nclocks:");
    for clock in &case.clocks {
        let name = clock.key.stage().unwrap_or("overall");
        let standard = clock.standard.map_or_else(|| "-".to_owned(), |s| s.to_string());
        let due = clock.due.map_or_else(|| "-".to_owned(), local);
        let worked = sigap_core::text::working_time(clock.counted_at(case.updated_at, &workflow.calendar));
        println!(
            "  {name:<20} standard {standard:<4} due {due:<16} {:?}, {worked} counted",
            clock.state_at(case.updated_at)
        );
    }
    Ok(())
}

async fn store_blob(service: &Service, org: &str, id: &str, bytes: &[u8]) -> anyhow::Result<()> {
    Ok(service.store().put_blob(org, id, bytes).await?)
}
