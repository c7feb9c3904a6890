//! Shared fixtures for the engine tests: the shipped workflows, case
//! identities, and form inputs made from a field list, valid or broken on
//! purpose in a way the test knows.
#![allow(dead_code, unreachable_pub)]

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, TimeDelta, Utc};
use sigap_core::definition::{Field, FieldKind, FileType, Product};
use sigap_core::engine::{CaseId, NewCase, TrackingCode, hash_secret};
use sigap_core::form::{FileRef, Input};
use sigap_core::workflow::Workflow;

/// The West Sumatra legal consultation.
pub const SUMBAR: &str = "workflows/sumbar/konsultasi-hukum.toml";
/// The illustrative regency's litigation assistance.
pub const KABUPATEN: &str = "workflows/kabupaten-contoh/pendampingan-hukum.toml";

/// A complete West Sumatra request by one civil servant (its form's inputs).
pub fn sumbar_request() -> BTreeMap<String, Input> {
    [
        ("nama", "Siti Rahmawati"),
        ("nip", "19820414 200604 2 003"),
        ("jabatan", "Kepala Seksi Pengadaan"),
        ("unit_kerja", "Dinas Pekerjaan Umum"),
        ("alamat", "Jl. Sudirman 1, Padang"),
        ("telepon", "0812 3456 7890"),
        ("email", "siti@example.go.id"),
        ("kategori", "pengadaan"),
        ("pokok_masalah", "Pemeriksaan oleh aparat penegak hukum"),
        ("uraian", "Saya dipanggil sebagai saksi terkait pengadaan jalan tahun 2024 yang saya tangani."),
        ("pertanyaan", "Apa hak dan kewajiban saya sebagai saksi?"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), Input::Text(v.to_owned())))
    .chain([("persetujuan".to_owned(), Input::Bool(true))])
    .collect()
}

/// Loads a shipped workflow (path relative to the repository root), with
/// the calendar and its includes resolved relative to the including file.
pub fn load_workflow(path: &str) -> Workflow {
    let text = read_repo_file(path);
    load_workflow_text(path, &text)
}

/// Loads a workflow from `text`, as if it were the file at `path`.
pub fn load_workflow_text(path: &str, text: &str) -> Workflow {
    Workflow::load(path, text, &mut |base: &str, relative: &str| {
        let dir = Path::new(base).parent().unwrap_or(Path::new(""));
        let name = normalise(&dir.join(relative));
        Ok((name.clone(), read_repo_file(&name)))
    })
    .unwrap_or_else(|e| panic!("{path} loads: {e}"))
}

/// `a/b/../c` → `a/c` (the files name their includes with `..`).
fn normalise(path: &Path) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.iter().map(|p| p.to_str().expect("UTF-8 paths")) {
        match part {
            "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}

fn read_repo_file(path: &str) -> String {
    let full = format!("{}/../{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("read {full}: {e}"))
}

/// A deterministic case identity from a number.
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

/// An instant given in WIB (UTC+7), e.g. `wib("2026-03-02 09:00")`.
pub fn wib(local: &str) -> DateTime<Utc> {
    let naive = chrono::NaiveDateTime::parse_from_str(local, "%Y-%m-%d %H:%M").expect("a `YYYY-MM-DD HH:MM` instant");
    naive.and_utc() - TimeDelta::hours(7)
}

/// A stored-file reference that passes validation: a 64-hex id unique to
/// `n` and a sanitised name.
pub fn file_ref(n: u64, file_type: FileType) -> FileRef {
    FileRef {
        id: format!("{n:064x}"),
        name: format!("berkas-{n}.{}", file_type.extension()),
        file_type,
        size: 1_000 + n,
    }
}

/// What a generated input map is meant to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Validity {
    /// Every field valid.
    Valid,
    /// Broken on purpose; validation must report this field (or key).
    Invalid {
        /// The field (or unknown key) that must be named in the errors.
        field: String,
    },
}

/// How to break a form on purpose (or not).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quality {
    /// Every required field and some optional ones, all valid.
    Valid,
    /// A required field left out.
    Missing,
    /// A value of the wrong shape (a boolean for text, text for files…).
    WrongType,
    /// A value of the right shape that breaks the field's rule.
    BadValue,
    /// A key that is no field.
    Unknown,
}

/// The key used for [`Quality::Unknown`].
pub const UNKNOWN_KEY: &str = "bukan_isian";

/// Makes input maps. Every text and file it makes is distinct (a counter
/// runs through them), so a test can search views for one value.
#[derive(Debug, Default)]
pub struct Inputs {
    counter: u64,
}

impl Inputs {
    /// A fresh number.
    pub fn next(&mut self) -> u64 {
        self.counter += 1;
        self.counter
    }

    /// An input map for `fields` of the given quality. `tag` goes into
    /// every text (e.g. `tolak.alasan`), `seed` picks options, optional
    /// fields and the field to break. Qualities that cannot apply (nothing
    /// required to leave out) fall back to an unknown key, so the result
    /// is invalid whenever `quality` is not `Valid`.
    pub fn make(
        &mut self,
        fields: &[Field],
        products: &[Product],
        tag: &str,
        quality: Quality,
        seed: u64,
    ) -> (BTreeMap<String, Input>, Validity) {
        let mut map = BTreeMap::new();
        for (i, field) in fields.iter().enumerate() {
            let include = field.required || (seed >> (i % 60)) & 1 == 1;
            if include {
                let n = self.next();
                map.insert(field.id.clone(), valid_input(field, products, &format!("{tag}.{}", field.id), n, seed));
            }
        }
        let pick = |candidates: Vec<&Field>| -> Option<Field> {
            (!candidates.is_empty()).then(|| candidates[seed as usize % candidates.len()].clone())
        };
        let broken = match quality {
            Quality::Valid => return (map, Validity::Valid),
            Quality::Missing => pick(fields.iter().filter(|f| f.required).collect()).map(|f| {
                map.remove(&f.id);
                f.id
            }),
            Quality::WrongType => pick(fields.iter().collect()).map(|f| {
                map.insert(f.id.clone(), wrong_type(&f));
                f.id
            }),
            Quality::BadValue => pick(fields.iter().collect()).map(|f| {
                map.insert(f.id.clone(), bad_value(&f));
                f.id
            }),
            Quality::Unknown => None,
        };
        let field = broken.unwrap_or_else(|| {
            map.insert(UNKNOWN_KEY.to_owned(), Input::Text("apa saja".to_owned()));
            UNKNOWN_KEY.to_owned()
        });
        (map, Validity::Invalid { field })
    }
}

/// A valid input for `field`; texts read `<tag>#<n>.` padded to the minimum length.
fn valid_input(field: &Field, products: &[Product], tag: &str, n: u64, seed: u64) -> Input {
    let choose = |len: usize| (seed as usize).wrapping_add(n as usize) % len;
    match field.kind {
        FieldKind::Text | FieldKind::LongText => {
            let mut text = format!("{tag}#{n}.");
            let min = field.min_length.unwrap_or(0) as usize;
            while text.chars().count() < min {
                text.push_str(" uraian");
            }
            Input::Text(text)
        }
        FieldKind::Email => Input::Text(format!("pemohon.{n}@contoh.go.id")),
        FieldKind::Phone => Input::Text(format!("0812 3456 {:04}", n % 10_000)),
        FieldKind::Nip => Input::Text(format!("19820414 200604 1 {:03}", 1 + n % 999)),
        FieldKind::Choice => Input::Text(field.options[choose(field.options.len())].id.clone()),
        FieldKind::Product => Input::Text(products[choose(products.len())].id.clone()),
        // Every shipped intake form has `nama`.
        FieldKind::FormFields => Input::Text("nama".to_owned()),
        FieldKind::Date => Input::Text("2026-12-01".to_owned()),
        FieldKind::Consent => Input::Bool(true),
        FieldKind::File => {
            let types = field.accepted_types();
            Input::Files(vec![file_ref(n, types[choose(types.len())])])
        }
        FieldKind::Scale => {
            let (min, max) = field.scale_range();
            Input::Number(min + (seed as i64).rem_euclid(max - min + 1))
        }
    }
}

fn wrong_type(field: &Field) -> Input {
    match field.kind {
        FieldKind::File => Input::Text("surat.pdf".to_owned()),
        FieldKind::Consent => Input::Text("barangkali".to_owned()),
        _ => Input::Bool(true),
    }
}

fn bad_value(field: &Field) -> Input {
    match field.kind {
        FieldKind::Text | FieldKind::LongText => {
            if field.min_length.is_some_and(|m| m > 1) {
                Input::Text("x".to_owned())
            } else {
                Input::Text("y".repeat(field.max_chars() as usize + 1))
            }
        }
        FieldKind::Email => Input::Text("bukan-email".to_owned()),
        FieldKind::Phone => Input::Text("12".to_owned()),
        FieldKind::Nip => Input::Text("123".to_owned()),
        FieldKind::Choice | FieldKind::Product => Input::Text("tidak_ada".to_owned()),
        FieldKind::FormFields => Input::Text(" , ".to_owned()),
        FieldKind::Date => Input::Text("31-02-2026".to_owned()),
        FieldKind::Consent if field.required => Input::Bool(false),
        FieldKind::Consent => Input::Text("barangkali".to_owned()),
        FieldKind::File => Input::Files(vec![FileRef {
            id: "bukan-hash".to_owned(),
            name: "../surat.pdf".to_owned(),
            file_type: FileType::Pdf,
            size: 10,
        }]),
        FieldKind::Scale => Input::Number(field.scale_range().1 + 1),
    }
}
