//! What the fuzz targets share: the shipped workflow files (embedded), a
//! realistic generated case history, a reader of fuzz bytes and checks that
//! diagnostics are well formed.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::pin;
use std::sync::LazyLock;
use std::task::{Context, Poll, Waker};

use chrono::{DateTime, TimeDelta, Utc};
use sigap_core::Diagnostics;
use sigap_core::definition::FileType;
use sigap_core::engine::{self, CaseId, Command, Event, NewCase, Principal, TrackingCode, hash_secret};
use sigap_core::form::{FileRef, Input};
use sigap_core::workflow::Workflow;

/// The files under `workflows/` at the repository root, by path relative to it.
pub const SHIPPED: [(&str, &str); 7] = [
    ("sumbar/konsultasi-hukum.toml", include_str!("../../workflows/sumbar/konsultasi-hukum.toml")),
    ("sumbar/kalender.toml", include_str!("../../workflows/sumbar/kalender.toml")),
    (
        "kabupaten-contoh/pendampingan-hukum.toml",
        include_str!("../../workflows/kabupaten-contoh/pendampingan-hukum.toml"),
    ),
    ("kabupaten-contoh/kalender.toml", include_str!("../../workflows/kabupaten-contoh/kalender.toml")),
    ("indonesia/libur-nasional-2025.toml", include_str!("../../workflows/indonesia/libur-nasional-2025.toml")),
    ("indonesia/libur-nasional-2026.toml", include_str!("../../workflows/indonesia/libur-nasional-2026.toml")),
    ("indonesia/libur-nasional-2027.toml", include_str!("../../workflows/indonesia/libur-nasional-2027.toml")),
];

/// The West Sumatra legal-consultation workflow file.
pub const SUMBAR_WORKFLOW: &str = SHIPPED[0].1;

/// A shipped file by its path relative to `workflows/`.
pub fn shipped(path: &str) -> Option<&'static str> {
    SHIPPED.iter().find(|(p, _)| *p == path).map(|(_, text)| *text)
}

/// `a/b/../c` → `a/c`.
fn normalise(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}

/// Reads `relative`, named from the file `base`, from the shipped files, as
/// the server reads a calendar and its includes from disk.
pub fn read_shipped(base: &str, relative: &str) -> Result<(String, String), String> {
    let dir = base.rsplit_once('/').map_or("", |(dir, _)| dir);
    let name = normalise(&format!("{dir}/{relative}"));
    shipped(&name).map(|text| (name.clone(), text.to_owned())).ok_or_else(|| format!("no file `{name}`"))
}

/// Loads a shipped workflow with its calendar.
pub fn load_shipped(path: &str) -> Workflow {
    let text = shipped(path).unwrap_or_else(|| panic!("no shipped file {path}"));
    Workflow::load(path, text, &mut read_shipped).unwrap_or_else(|e| panic!("{path} loads: {e}"))
}

/// The West Sumatra workflow, loaded once.
pub static SUMBAR: LazyLock<Workflow> = LazyLock::new(|| load_shipped("sumbar/konsultasi-hukum.toml"));

/// The example regency's workflow, loaded once.
pub static KABUPATEN: LazyLock<Workflow> = LazyLock::new(|| load_shipped("kabupaten-contoh/pendampingan-hukum.toml"));

/// Checks what the loaders promise of their diagnostics: at least one, each
/// located (a line, or a key path) with a help text, and all printable.
pub fn assert_located(errors: &Diagnostics) {
    assert!(!errors.is_empty(), "an error without diagnostics");
    for d in errors.iter() {
        assert!(d.line >= 1 || !d.path.is_root(), "unlocated diagnostic:\n{d}");
        assert!(!d.help.is_empty(), "diagnostic without help:\n{d}");
        assert!(!d.message.is_empty(), "diagnostic without message:\n{d}");
    }
    let _ = errors.to_string();
}

/// Runs a future that never waits on anything outside it (all our streams
/// are in memory), polling with a no-op waker.
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..1_000_000 {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
    }
    panic!("an in-memory future did not complete");
}

/// Reads fixed-size values off the fuzz bytes; zeros once they run out.
pub struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    /// A reader over `bytes`.
    pub fn new(bytes: &'a [u8]) -> Self {
        Self { bytes }
    }

    /// How many bytes are left.
    pub fn remaining(&self) -> usize {
        self.bytes.len()
    }

    /// The next `N` bytes (zero-padded at the end).
    pub fn array<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0; N];
        let n = N.min(self.bytes.len());
        out[..n].copy_from_slice(&self.bytes[..n]);
        self.bytes = &self.bytes[n..];
        out
    }

    /// A byte.
    pub fn u8(&mut self) -> u8 {
        self.array::<1>()[0]
    }

    /// A little-endian `u16`.
    pub fn u16(&mut self) -> u16 {
        u16::from_le_bytes(self.array())
    }

    /// A little-endian `u32`.
    pub fn u32(&mut self) -> u32 {
        u32::from_le_bytes(self.array())
    }

    /// A little-endian `u64`.
    pub fn u64(&mut self) -> u64 {
        u64::from_le_bytes(self.array())
    }

    /// Everything left.
    pub fn rest(&mut self) -> &'a [u8] {
        std::mem::take(&mut self.bytes)
    }
}

/// An instant in WIB (UTC+7), e.g. `wib("2026-03-02 09:00")`.
pub fn wib(local: &str) -> DateTime<Utc> {
    let naive = chrono::NaiveDateTime::parse_from_str(local, "%Y-%m-%d %H:%M").expect("a `YYYY-MM-DD HH:MM` instant");
    naive.and_utc() - TimeDelta::hours(7)
}

/// A deterministic new case identity.
pub fn new_case(n: u64) -> NewCase {
    let mut random = [0u8; 10];
    random[..8].copy_from_slice(&n.to_be_bytes());
    let mut code = [0u8; 5];
    code.copy_from_slice(&n.to_be_bytes()[3..]);
    NewCase {
        id: CaseId::generate(1_764_547_200_000 + n, random),
        tracking_code: TrackingCode::generate(code),
        secret_hash: hash_secret(&format!("secret-{n}")),
    }
}

/// A stored-file reference that passes validation.
pub fn file_ref(n: u64, file_type: FileType) -> FileRef {
    FileRef {
        id: format!("{n:064x}"),
        name: format!("berkas-{n}.{}", file_type.extension()),
        file_type,
        size: 1_000 + n,
    }
}

fn text(value: &str) -> Input {
    Input::Text(value.to_owned())
}

fn inputs<const N: usize>(pairs: [(&str, Input); N]) -> BTreeMap<String, Input> {
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

fn intake_form(phone: &str, documents: Vec<FileRef>) -> BTreeMap<String, Input> {
    inputs([
        ("nama", text("Rahmat Hidayat")),
        ("nip", text("19820414 200604 1 003")),
        ("jabatan", text("Pejabat Pembuat Komitmen")),
        ("unit_kerja", text("Dinas Pekerjaan Umum dan Penataan Ruang")),
        ("alamat", text("Jalan Khatib Sulaiman No. 7, Padang")),
        ("telepon", text(phone)),
        ("email", text("rahmat.hidayat@sumbarprov.go.id")),
        ("kategori", text("pengadaan")),
        ("pokok_masalah", text("Pemutusan kontrak penyedia jasa konstruksi")),
        ("uraian", text("Penyedia terlambat 60 hari dari jadwal; kami menimbang pemutusan kontrak.")),
        ("pertanyaan", text("Apakah pemutusan kontrak sepihak dapat dilakukan tanpa adendum?")),
        ("dokumen", Input::Files(documents)),
        ("persetujuan", Input::Bool(true)),
    ])
}

fn perform(action: &str, pairs: BTreeMap<String, Input>) -> Command {
    Command::Perform { action: action.to_owned(), inputs: pairs, form: None }
}

/// A valid history of one West Sumatra case, made by the engine: submission,
/// a request to complete, the amendment, an attachment, deadlines recorded,
/// a draft returned and approved, the answer and the survey.
pub struct History {
    /// The case.
    pub case: CaseId,
    /// Its events, in order.
    pub events: Vec<Event>,
    /// The head hash of the chain.
    pub head: String,
}

/// The generated history, made once.
pub static HISTORY: LazyLock<History> = LazyLock::new(generate_history);

fn generate_history() -> History {
    let workflow = &*SUMBAR;
    let rina = Principal::staff("rina", &["pokja_dokumentasi"]);
    let budi = Principal::staff("budi", &["pokja_dokumentasi"]);
    let sari = Principal::staff("sari", &["pokja_layanan"]);
    let andi = Principal::staff("andi", &["kepala_bagian"]);
    let applicant = Principal::Applicant;
    let system = Principal::System;
    let mut events: Vec<Event> = Vec::new();
    let mut case: Option<engine::Case> = None;
    let mut act = |at: DateTime<Utc>, who: &Principal, command: Command| {
        let context = engine::Context { definition: &workflow.definition, calendar: &workflow.calendar, at };
        let new = engine::decide(&context, case.as_ref(), who, &command, None)
            .unwrap_or_else(|r| panic!("{} by {who:?} at {at}: {r}", command.name()));
        for event in &new {
            match &mut case {
                Some(case) => case.apply(event).expect("events fold"),
                None => case = Some(engine::Case::start(event).expect("a submission starts a case")),
            }
        }
        events.extend(new);
    };
    let first = file_ref(1, FileType::Pdf);
    act(
        wib("2026-02-02 09:00"),
        &applicant,
        Command::Submit { case: new_case(1), form: intake_form("0812 3456 7890", vec![first.clone()]) },
    );
    act(wib("2026-02-02 09:10"), &rina, Command::Claim);
    act(
        wib("2026-02-02 09:20"),
        &rina,
        Command::AddNote { text: "Kontrak dan surat teguran belum dilampirkan.".to_owned(), obstacle: true, audience: None },
    );
    act(
        wib("2026-02-02 09:25"),
        &rina,
        perform("minta_kelengkapan", inputs([("kekurangan", text("Mohon lampirkan kontrak dan surat teguran."))])),
    );
    act(
        wib("2026-02-03 10:00"),
        &applicant,
        Command::Perform {
            action: "lengkapi".to_owned(),
            inputs: BTreeMap::new(),
            form: Some(intake_form("0813 6612 3456", vec![first, file_ref(2, FileType::Pdf)])),
        },
    );
    act(
        wib("2026-02-03 10:05"),
        &applicant,
        Command::AddAttachment { file: file_ref(3, FileType::Jpeg), description: Some("Foto papan proyek".to_owned()) },
    );
    act(wib("2026-02-03 10:40"), &system, Command::RecordDeadlines);
    act(wib("2026-02-03 10:45"), &budi, perform("teruskan", inputs([("catatan", text("Lengkap."))])));
    act(wib("2026-02-03 11:00"), &sari, Command::Claim);
    act(
        wib("2026-02-04 13:00"),
        &sari,
        perform(
            "ajukan_draf",
            inputs([
                ("dokumen_kajian", Input::Files(vec![file_ref(4, FileType::Docx)])),
                ("ringkasan", text("Pemutusan sepihak dimungkinkan setelah teguran ketiga.")),
            ]),
        ),
    );
    act(
        wib("2026-02-05 09:00"),
        &andi,
        perform("kembalikan_draf", inputs([("catatan_perbaikan", text("Tambahkan dasar hukum."))])),
    );
    act(
        wib("2026-02-05 14:00"),
        &sari,
        perform("ajukan_draf", inputs([("dokumen_kajian", Input::Files(vec![file_ref(5, FileType::Pdf)]))])),
    );
    act(wib("2026-02-06 10:00"), &andi, perform("setujui", inputs([("catatan", text("Disetujui."))])));
    act(
        wib("2026-02-06 10:30"),
        &andi,
        Command::Assign { user: "rina".to_owned(), user_roles: vec!["pokja_dokumentasi".to_owned()] },
    );
    act(
        wib("2026-02-06 11:00"),
        &rina,
        perform(
            "kirim_jawaban",
            inputs([
                ("produk", text("pendapat_hukum")),
                ("dokumen_jawaban", Input::Files(vec![file_ref(6, FileType::Pdf)])),
                ("ringkasan_jawaban", text("Pendapat hukum terlampir.")),
            ]),
        ),
    );
    act(
        wib("2026-02-09 08:30"),
        &applicant,
        Command::RecordSurvey {
            answers: inputs([
                ("kemudahan", Input::Number(5)),
                ("kecepatan", Input::Number(4)),
                ("kejelasan", Input::Number(5)),
                ("manfaat", Input::Number(5)),
                ("kerahasiaan", Input::Number(5)),
                ("saran", text("Terima kasih.")),
            ]),
        },
    );
    let case = case.expect("the case exists");
    History { case: case.id.clone(), head: case.head.clone(), events }
}
