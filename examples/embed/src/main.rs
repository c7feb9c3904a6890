//! A provincial service embedding Sigap: the shipped workflows loaded in one
//! call, a sled store, a request submitted and moved on, a time standard
//! passing, and every notification delivered to the service's own sink.
//! Run with `cargo run -p sigap-embed-example`.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use sigap_core::engine::{CaseId, NewCase, Principal, TrackingCode, generate_secret, hash_secret};
use sigap_core::form::Input;
use sigap_core::service::{Outcome, Service};
use sigap_core::storage::{OutboxItem, OutboxMessage};
use sigap_runtime::{Delivery, Runtime};

/// The service's own outlet (a chat bot, a queue): here, standard output.
struct Print(tokio::sync::mpsc::UnboundedSender<String>);

#[async_trait::async_trait]
impl Delivery for Print {
    async fn deliver(&self, item: &OutboxItem) -> Result<(), String> {
        if let OutboxMessage::Notify { recipient, subject, .. } = &item.message {
            println!("  to {recipient:?}: {subject}");
            self.0.send(subject.clone()).map_err(|e| e.to_string())?;
        }
        Ok(())
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../workflows");
    let dir = tempfile::tempdir()?;
    let service = Arc::new(Service::new(Arc::new(sigap_storage_sled::SledStore::open(dir.path())?)));
    for workflow in sigap_runtime::files::load_folder(&folder)? {
        service.install(workflow).await?;
    }
    // The host's clock: 09:00 WIB on a Monday, moved by hand below.
    let now = Arc::new(Mutex::new(Utc.with_ymd_and_hms(2026, 9, 7, 2, 0, 0).unwrap()));
    let clock = now.clone();
    let (sent, mut received) = tokio::sync::mpsc::unbounded_channel();
    let runtime = Runtime::new(service.clone(), Arc::new(Print(sent)))
        .clock(Arc::new(move || -> DateTime<Utc> { *clock.lock().unwrap() }))
        .start();

    let org = "sumbar-biro-hukum";
    let new = NewCase {
        id: CaseId::generate(1_788_742_800_000, [1; 10]),
        tracking_code: TrackingCode::generate([1, 2, 3, 4, 5]),
        secret_hash: hash_secret(&generate_secret([7; 20])),
    };
    let mut form: BTreeMap<String, Input> = [
        ("nama", "Siti Rahmawati"),
        ("nip", "19820414 200604 2 003"),
        ("jabatan", "Kepala Seksi Pengadaan"),
        ("unit_kerja", "Dinas Pekerjaan Umum"),
        ("alamat", "Jl. Sudirman 1, Padang"),
        ("telepon", "0812 3456 7890"),
        ("email", "siti@example.go.id"),
        ("kategori", "pengadaan"),
        ("pokok_masalah", "Pemeriksaan sebagai saksi"),
        ("uraian", "Saya dipanggil sebagai saksi terkait pengadaan jalan tahun lalu."),
        ("pertanyaan", "Apa hak dan kewajiban saya sebagai saksi?"),
    ]
    .map(|(k, v)| (k.to_owned(), Input::Text(v.to_owned())))
    .into();
    form.insert("persetujuan".to_owned(), Input::Bool(true));
    let at = *now.lock().unwrap();
    let Outcome::Applied { case, .. } = service.submit(org, "konsultasi-hukum-asn", new, form, None, at).await? else {
        anyhow::bail!("the submission was not applied");
    };
    println!("submitted {} ({})", case.tracking_code, case.stage);
    let verifier = Principal::staff("libertinova", &["pokja_dokumentasi"]);
    service.act(&case).by(&verifier).action("teruskan").at(at + TimeDelta::minutes(20)).await?;
    *now.lock().unwrap() = at + TimeDelta::days(7); // a week later, nobody drafted the study

    runtime.wake();
    let breach = async { while received.recv().await.is_some_and(|subject| !subject.starts_with("Terlambat")) {} };
    tokio::time::timeout(std::time::Duration::from_secs(30), breach).await?;
    runtime.shutdown().await;
    Ok(())
}
