//! `sigap seed --cases N --year YYYY`: synthetic cases through the real
//! engine, for demonstrations and for checking the evaluation report.
//!
//! Each case is submitted at a random opening hour of the year and walked
//! through its workflow by people holding the right roles, with valid
//! inputs generated from the definition, random delays around each stage's
//! time standard (some late), occasional returns, rejections, withdrawals,
//! obstacle notes and surveys. The deadline scanner's command runs before
//! every step, as the server would. Deterministic for a given `--seed`.

use std::collections::BTreeMap;
use std::process::ExitCode;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use sigap_core::definition::{ActionKind, Definition, Field, FieldKind, FileType, RoleKind, StageKind};
use sigap_core::engine::{CaseId, Command, NewCase, Principal, TrackingCode, hash_secret};
use sigap_core::form::Input;
use sigap_core::service::{Outcome, Service};
use sigap_core::workflow::Workflow;

use super::emit;
use super::ops::StoreArgs;

/// A small deterministic generator (xorshift64*).
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub(crate) fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }

    pub(crate) fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        (!items.is_empty()).then(|| &items[self.below(items.len() as u64) as usize])
    }
}

const TOPICS: [&str; 6] = [
    "Pemeriksaan sebagai saksi oleh aparat penegak hukum terkait kegiatan yang saya tangani.",
    "Keberatan pihak ketiga atas keputusan yang saya tanda tangani dalam tugas kedinasan.",
    "Permintaan klarifikasi dari inspektorat mengenai pelaksanaan anggaran kegiatan.",
    "Gugatan perdata terhadap dinas atas pelaksanaan kontrak pengadaan.",
    "Penafsiran peraturan tentang kewenangan penandatanganan dokumen perizinan.",
    "Somasi dari masyarakat atas pelayanan publik di unit kerja saya.",
];

/// A valid value for a field.
fn value(
    field: &Field,
    definition: &Definition,
    rng: &mut Rng,
    n: u64,
    files: &mut Vec<(String, Vec<u8>)>,
) -> Option<Input> {
    let text = |s: String| Some(Input::Text(s));
    match field.kind {
        FieldKind::Text => {
            let mut s = format!("Isian {} {n}", field.label);
            s.truncate(field.max_chars() as usize);
            text(s)
        }
        FieldKind::LongText => {
            let mut s = (*rng.pick(&TOPICS).unwrap_or(&TOPICS[0])).to_owned();
            while (s.chars().count() as u32) < field.min_length.unwrap_or(0) {
                s.push_str(" Uraian tambahan.");
            }
            s.truncate(field.max_chars() as usize);
            text(s)
        }
        FieldKind::Email => text(format!("asn{n}@contoh.go.id")),
        FieldKind::Phone => text(format!("0812{:08}", n % 100_000_000)),
        FieldKind::Nip => {
            let year = 1970 + rng.below(25);
            let month = 1 + rng.below(12);
            let day = 1 + rng.below(28);
            let tmt = year + 22 + rng.below(8);
            text(format!(
                "{year}{month:02}{day:02}{tmt}{:02}{}{:03}",
                1 + rng.below(12),
                1 + rng.below(2),
                1 + rng.below(999)
            ))
        }
        FieldKind::Choice => rng.pick(&field.options).map(|o| Input::Text(o.id.clone())),
        FieldKind::Product => rng.pick(&definition.file().products).map(|p| Input::Text(p.id.clone())),
        FieldKind::FormFields => definition.file().form.fields.first().map(|f| Input::Text(f.id.clone())),
        FieldKind::Date => text("2026-01-15".to_owned()),
        FieldKind::Consent => Some(Input::Bool(true)),
        FieldKind::Scale => {
            let (low, high) = field.scale_range();
            // Mostly satisfied, sometimes not.
            let span = u64::try_from(high - low).unwrap_or(0);
            let score = if rng.chance(80) {
                high - i64::try_from(rng.below(2.min(span + 1))).unwrap_or(0)
            } else {
                low + i64::try_from(rng.below(span + 1)).unwrap_or(0)
            };
            Some(Input::Number(score))
        }
        FieldKind::File => {
            let kind = field.accepted_types().first().copied().unwrap_or(FileType::Pdf);
            let bytes = match kind {
                FileType::Pdf => format!("%PDF-1.4\n% dokumen contoh {n}\n%%EOF\n").into_bytes(),
                FileType::Png => [&b"\x89PNG\r\n\x1a\n"[..], format!("contoh {n}").as_bytes()].concat(),
                FileType::Jpeg => [&b"\xff\xd8\xff\xe0"[..], format!("contoh {n}").as_bytes()].concat(),
                _ => return None,
            };
            files.push((format!("dokumen-{n}.{}", kind.extension()), bytes));
            None
        }
    }
}

async fn inputs(
    fields: &[Field],
    definition: &Definition,
    service: &Service,
    organisation: &str,
    rng: &mut Rng,
    n: u64,
) -> anyhow::Result<BTreeMap<String, Input>> {
    let mut out = BTreeMap::new();
    for field in fields {
        if !field.required && !rng.chance(60) {
            continue;
        }
        let mut files = Vec::new();
        if let Some(v) = value(field, definition, rng, n, &mut files) {
            out.insert(field.id.clone(), v);
        }
        let mut refs = Vec::new();
        for (name, bytes) in files {
            let file = sigap_core::form::check_upload(field, &name, &bytes).map_err(|e| anyhow::anyhow!("{e}"))?;
            service.store().put_blob(organisation, &file.id, &bytes).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            refs.push(file);
        }
        if !refs.is_empty() {
            out.insert(field.id.clone(), Input::Files(refs));
        }
    }
    Ok(out)
}

/// A random opening instant of `year`.
fn opening(workflow: &Workflow, year: i32, rng: &mut Rng) -> Option<DateTime<Utc>> {
    let calendar = &workflow.calendar;
    for _ in 0..1000 {
        let date = NaiveDate::from_ymd_opt(year, 1, 1)? + TimeDelta::days(i64::try_from(rng.below(365)).ok()?);
        let windows = calendar.windows_on(date);
        if let Some((open, close)) = rng.pick(&windows) {
            let span = (*close - *open).num_minutes().max(1);
            return Some(*open + TimeDelta::minutes(i64::try_from(rng.below(u64::try_from(span).ok()?)).ok()?));
        }
    }
    None
}

/// How long a step takes: around the stage's standard, sometimes over it.
fn delay(workflow: &Workflow, stage: &str, rng: &mut Rng) -> sigap_core::WorkDuration {
    let standard =
        workflow.definition.stage(stage).and_then(|s| s.time_standard).map_or(240, |d| match d.as_minutes() {
            Some(m) => m,
            None => u64::from(d.amount) * 420,
        });
    let percent = if rng.chance(15) { 110 + rng.below(150) } else { 10 + rng.below(85) };
    sigap_core::WorkDuration::minutes(u32::try_from((standard * percent / 100).max(1)).unwrap_or(u32::MAX))
}

fn staff_for(role: &str) -> Principal {
    Principal::Staff { user: format!("seed.{role}"), roles: vec![role.to_owned()] }
}

/// Seeds one case; returns how it ended.
async fn seed_case(service: &Service, workflow: &Workflow, year: i32, n: u64, rng: &mut Rng) -> anyhow::Result<String> {
    let definition = &workflow.definition;
    let organisation = workflow.organisation();
    let Some(mut at) = opening(workflow, year, rng) else {
        anyhow::bail!("the calendar has no opening hours in {year}")
    };
    let mut random = [0u8; 10];
    random[..8].copy_from_slice(&rng.next().to_be_bytes());
    let code: [u8; 5] = rng.next().to_be_bytes()[..5].try_into()?;
    let new = NewCase {
        id: CaseId::generate(u64::try_from(at.timestamp_millis()).unwrap_or(0), random),
        tracking_code: TrackingCode::generate(code),
        secret_hash: hash_secret(&format!("seed-{n}")),
    };
    let form = inputs(&definition.file().form.fields, definition, service, organisation, rng, n).await?;
    let id = match service.submit(organisation, definition.id(), new, form, None, at).await? {
        Outcome::Applied { case, .. } => case.id,
        other => anyhow::bail!("unexpected submission outcome {other:?}"),
    };
    let mut visited: Vec<String> = Vec::new();
    for _step in 0..40 {
        let Some(case) = service.store().case(organisation, &id).await.map_err(|e| anyhow::anyhow!("{e}"))? else {
            break;
        };
        if case.status == sigap_core::engine::Status::Closed {
            if definition.survey_stages().contains(&case.stage.as_str()) && case.survey.is_none() && rng.chance(70) {
                let questions = definition.file().survey.as_ref().map(|s| s.questions.clone()).unwrap_or_default();
                let answers = inputs(&questions, definition, service, organisation, rng, n).await?;
                at += TimeDelta::hours(i64::try_from(1 + rng.below(48)).unwrap_or(1));
                service
                    .execute(
                        organisation,
                        &id,
                        &Principal::Applicant,
                        &Command::RecordSurvey { answers },
                        None,
                        None,
                        at,
                    )
                    .await?;
            }
            return Ok(case.outcome.map_or_else(|| "closed".to_owned(), |o| format!("{o:?}")));
        }
        at = workflow.calendar.add(at, delay(workflow, &case.stage, rng)).map_err(|e| anyhow::anyhow!("{e}"))?;
        service.execute(organisation, &id, &Principal::System, &Command::RecordDeadlines, None, None, at).await?;
        let stage = definition.stage(&case.stage).ok_or_else(|| anyhow::anyhow!("unknown stage"))?;
        let candidates: Vec<_> =
            definition.actions_from(&case.stage).filter(|a| a.kind != ActionKind::Submit).collect();
        let weighted: Vec<(&sigap_core::definition::Action, u64)> = candidates
            .iter()
            .map(|a| {
                let to = definition.stage(&a.to);
                let by_applicant =
                    definition.performers(a, &case.stage).contains(&definition.applicant_role().id.as_str());
                let weight = match (a.kind, to.map(|t| t.kind)) {
                    (ActionKind::Answer, _) | (ActionKind::Amend, _) => 40,
                    _ if by_applicant && stage.kind == StageKind::Task => 1,
                    (_, Some(StageKind::Terminal)) => 4,
                    (_, Some(StageKind::Waiting)) => 5,
                    _ if visited.contains(&a.to) => 6,
                    _ => 40,
                };
                (*a, weight)
            })
            .collect();
        let total: u64 = weighted.iter().map(|(_, w)| w).sum();
        let mut roll = rng.below(total.max(1));
        let Some(action) = weighted.iter().find(|(_, w)| {
            if roll < *w {
                true
            } else {
                roll -= w;
                false
            }
        }) else {
            break;
        };
        let action = action.0;
        let performers = definition.performers(action, &case.stage);
        let principal = if performers.contains(&definition.applicant_role().id.as_str())
            && definition.role(performers[0]).is_some_and(|r| r.kind == RoleKind::Applicant)
        {
            Principal::Applicant
        } else {
            staff_for(
                performers
                    .iter()
                    .find(|r| definition.role(r).is_some_and(|r| r.kind == RoleKind::Staff))
                    .copied()
                    .unwrap_or(performers[0]),
            )
        };
        let may_note = match &principal {
            Principal::Staff { roles, .. } => sigap_core::access::policy::may_add(
                definition,
                &case,
                roles,
                sigap_core::access::policy::Addition::Note,
            )
            .is_ok(),
            _ => false,
        };
        if may_note && rng.chance(5) {
            let note = Command::AddNote {
                text: "Berkas pendukung terlambat diterima dari unit kerja pemohon.".to_owned(),
                obstacle: true,
                audience: None,
            };
            service.execute(organisation, &id, &principal, &note, None, None, at).await?;
        }
        let action_inputs = inputs(&action.inputs, definition, service, organisation, rng, n).await?;
        let form = if action.kind == ActionKind::Amend {
            // A return that named fields is completed with those only.
            let asked = sigap_core::engine::requested_fields(definition, &case);
            let fields: Vec<sigap_core::definition::Field> = definition
                .file()
                .form
                .fields
                .iter()
                .filter(|f| asked.as_ref().is_none_or(|a| a.contains(&f.id)))
                .map(|f| sigap_core::definition::Field { required: f.required || asked.is_some(), ..f.clone() })
                .collect();
            Some(inputs(&fields, definition, service, organisation, rng, n).await?)
        } else {
            None
        };
        visited.push(case.stage.clone());
        let command = Command::Perform { action: action.id.clone(), inputs: action_inputs, form };
        service.execute(organisation, &id, &principal, &command, None, None, at).await?;
    }
    Ok("open".to_owned())
}

pub(crate) async fn run(
    store_args: &StoreArgs,
    cases: u64,
    year: i32,
    workflow: Option<String>,
    seed: u64,
) -> anyhow::Result<ExitCode> {
    let config = store_args.config()?;
    let workflows = crate::state::load_workflows(&config.workflows)?;
    let store = crate::state::open_store(&config).await?;
    let service = Service::new(store);
    for wf in &workflows {
        service.install(wf.clone()).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    let chosen: Vec<&Workflow> =
        workflows.iter().filter(|w| workflow.as_deref().is_none_or(|id| w.id() == id)).collect();
    if chosen.is_empty() {
        anyhow::bail!("no workflow matches");
    }
    let mut rng = Rng::new(seed);
    let mut outcomes: BTreeMap<String, u64> = BTreeMap::new();
    for n in 0..cases {
        let wf = chosen[(n as usize) % chosen.len()];
        let outcome = seed_case(&service, wf, year, n, &mut rng).await?;
        *outcomes.entry(format!("{} {}", wf.id(), outcome)).or_default() += 1;
    }
    for (what, count) in outcomes {
        emit(&format!("{count:>6}  {what}\n"))?;
    }
    Ok(ExitCode::SUCCESS)
}
