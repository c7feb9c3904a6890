//! The annual evaluation (Pedoman Bab IV): volume and type of requests,
//! speed of completion against the time standards, breaches, satisfaction,
//! recurring topics and obstacles, from the recorded cases.
//!
//! Aggregates only. No form field that identifies anyone is read: topics
//! come from the workflow's `report.topic_field` (a `choice`), survey scores
//! from `scale` questions (free-text answers are left out), obstacles from
//! staff notes marked as obstacles (but for notes written for named roles
//! only). Times are open (working) time from the
//! SLA clocks, in hours.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use crate::definition::{Definition, FieldKind, Outcome};
use crate::engine::{Case, ClockKey, Status};
use crate::form::Value;

/// Timing of one clock kind over a year.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Timing {
    /// The stage id, or `overall`.
    pub clock: String,
    /// The stage's label.
    pub label: String,
    /// The time standard, e.g. `30m` (none for the overall clock without one).
    pub standard: Option<String>,
    /// How many finished clocks were measured.
    pub measured: u64,
    /// Median open time, hours.
    pub median_hours: Option<f64>,
    /// 90th percentile open time, hours.
    pub p90_hours: Option<f64>,
    /// Share finished within the standard (0–1).
    pub within_share: Option<f64>,
    /// Clocks of this kind that were breached (finished or not).
    pub breaches: u64,
}

/// A count with its label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Count {
    /// The id.
    pub id: String,
    /// The label.
    pub label: String,
    /// How many.
    pub count: u64,
}

/// One month's volume.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Month {
    /// 1–12.
    pub month: u32,
    /// Requests submitted.
    pub received: u64,
    /// Requests closed.
    pub closed: u64,
}

/// One survey question's scores.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Score {
    /// The question id.
    pub id: String,
    /// The question.
    pub label: String,
    /// Answers.
    pub responses: u64,
    /// Mean score.
    pub mean: Option<f64>,
    /// Lowest and highest possible score.
    pub range: (i64, i64),
    /// How many gave each score, lowest first.
    pub distribution: Vec<u64>,
}

/// An obstacle staff recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Obstacle {
    /// Month (1–12) it was recorded.
    pub month: u32,
    /// The stage the case was in.
    pub stage: String,
    /// The note.
    pub text: String,
}

/// The evaluation of one workflow for one year.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Evaluation {
    /// The year.
    pub year: i32,
    /// The organisation.
    pub organisation: String,
    /// The organisation's name.
    pub organisation_name: String,
    /// The workflow id.
    pub workflow: String,
    /// The service's label.
    pub label: String,
    /// Requests submitted in the year.
    pub received: u64,
    /// Of those, closed.
    pub closed: u64,
    /// Of those, still open or waiting.
    pub open: u64,
    /// Closed requests by outcome: the workflow's `[[outcomes]]` in order, or
    /// `answered`, `referred` (answered with a referral product), `rejected`, `withdrawn`.
    pub outcomes: Vec<Count>,
    /// Answers by product.
    pub products: Vec<Count>,
    /// Volume by month.
    pub months: Vec<Month>,
    /// Timing per staff task with a time standard (the applicant's own steps before
    /// submission are not measured), in SOP order, then overall.
    pub timings: Vec<Timing>,
    /// Clocks breached in all.
    pub breaches: u64,
    /// Survey answers received.
    pub survey_responses: u64,
    /// Scores per question.
    pub scores: Vec<Score>,
    /// Mean of all scores, as a share of the scale (0–1).
    pub satisfaction: Option<f64>,
    /// Share of responses whose mean score is at least 4 of 5 (or the scale's equivalent).
    pub satisfied_share: Option<f64>,
    /// Topics, most frequent first.
    pub topics: Vec<Count>,
    /// Obstacles recorded by staff.
    pub obstacles: Vec<Obstacle>,
}

fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    // Nearest rank.
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    Some(sorted[rank - 1])
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Evaluates the cases of one workflow submitted in `year` (in the organisation's time zone).
pub fn evaluate(definition: &Definition, tz: Tz, cases: &[Case], year: i32) -> Evaluation {
    let file = definition.file();
    let local_year = |at: DateTime<Utc>| at.with_timezone(&tz).year();
    let month = |at: DateTime<Utc>| at.with_timezone(&tz).month();
    let cases: Vec<&Case> =
        cases.iter().filter(|c| c.workflow == file.id && local_year(c.submitted_at) == year).collect();
    let received = cases.len() as u64;
    let closed = cases.iter().filter(|c| c.status == Status::Closed).count() as u64;

    // Closed cases by outcome: by the workflow's own `[[outcomes]]` (read
    // from the terminal stage each case ended in), or, without them, by the
    // three categories, answers that refer the applicant elsewhere counted apart.
    let declared = !file.outcomes.is_empty();
    let mut outcomes: BTreeMap<String, u64> = BTreeMap::new();
    let mut products: BTreeMap<String, u64> = BTreeMap::new();
    for case in &cases {
        let Some(outcome) = case.outcome else { continue };
        let key = if declared {
            definition.stage(&case.stage).and_then(|s| s.outcome.clone()).unwrap_or_default()
        } else {
            let referred =
                case.answer.as_ref().is_some_and(|a| definition.product(&a.product).is_some_and(|p| p.referral));
            match outcome {
                Outcome::Answered if referred => "referred",
                Outcome::Answered => "answered",
                Outcome::Rejected => "rejected",
                Outcome::Withdrawn => "withdrawn",
            }
            .to_owned()
        };
        *outcomes.entry(key).or_default() += 1;
        if let Some(answer) = &case.answer {
            *products.entry(answer.product.clone()).or_default() += 1;
        }
    }
    let outcome_labels: Vec<(String, String)> = if declared {
        file.outcomes.iter().map(|o| (o.id.clone(), o.label.clone())).collect()
    } else {
        [("answered", "Dijawab"), ("referred", "Dirujuk"), ("rejected", "Ditolak"), ("withdrawn", "Ditarik/ditutup")]
            .iter()
            .map(|(id, label)| ((*id).to_owned(), (*label).to_owned()))
            .collect()
    };
    let outcomes = outcome_labels
        .into_iter()
        .map(|(id, label)| Count { count: outcomes.get(&id).copied().unwrap_or(0), id, label })
        .collect();
    let products = file
        .products
        .iter()
        .map(|p| Count { id: p.id.clone(), label: p.label.clone(), count: products.get(&p.id).copied().unwrap_or(0) })
        .collect();

    let mut months: Vec<Month> = (1..=12).map(|m| Month { month: m, received: 0, closed: 0 }).collect();
    for case in &cases {
        months[month(case.submitted_at) as usize - 1].received += 1;
        if let Some(at) = case.closed_at.filter(|at| local_year(*at) == year) {
            months[month(at) as usize - 1].closed += 1;
        }
    }

    let mut timings = Vec::new();
    let mut breaches = 0;
    let clock_keys = file
        .stages
        .iter()
        .filter(|s| s.time_standard.is_some() && s.kind == crate::definition::StageKind::Task)
        .map(|s| (ClockKey::Stage(s.id.clone()), s.id.clone(), s.label.clone(), s.time_standard.map(|d| d.to_string())))
        .chain(std::iter::once((
            ClockKey::Overall,
            "overall".to_owned(),
            "Keseluruhan (pengajuan lengkap sampai selesai)".to_owned(),
            file.sla.overall.map(|d| d.to_string()),
        )));
    for (key, id, label, standard) in clock_keys {
        let clocks: Vec<_> = cases.iter().flat_map(|c| c.clocks.iter()).filter(|c| c.key == key).collect();
        let mut hours: Vec<f64> = clocks.iter().filter(|c| c.is_stopped()).map(|c| c.elapsed as f64 / 3600.0).collect();
        hours.sort_by(f64::total_cmp);
        let finished: Vec<_> = clocks.iter().filter(|c| c.is_stopped() && c.within_standard.is_some()).collect();
        let within = finished.iter().filter(|c| c.within_standard == Some(true)).count();
        let breached = clocks.iter().filter(|c| c.breached || c.within_standard == Some(false)).count() as u64;
        breaches += breached;
        timings.push(Timing {
            clock: id,
            label,
            standard,
            measured: hours.len() as u64,
            median_hours: percentile(&hours, 0.5).map(round2),
            p90_hours: percentile(&hours, 0.9).map(round2),
            within_share: (!finished.is_empty()).then(|| round2(within as f64 / finished.len() as f64)),
            breaches: breached,
        });
    }

    let questions: Vec<_> =
        file.survey.iter().flat_map(|s| s.questions.iter()).filter(|q| q.kind == FieldKind::Scale).collect();
    let surveys: Vec<_> = cases.iter().filter_map(|c| c.survey.as_ref()).collect();
    let mut scores = Vec::new();
    let mut all_shares = Vec::new();
    for question in &questions {
        let (low, high) = question.scale_range();
        let values: Vec<i64> = surveys
            .iter()
            .filter_map(|s| match s.get(&question.id) {
                Some(Value::Number(n)) => Some(*n),
                _ => None,
            })
            .filter(|n| (low..=high).contains(n))
            .collect();
        let mut distribution = vec![0u64; usize::try_from(high - low + 1).unwrap_or(0)];
        for v in &values {
            distribution[usize::try_from(v - low).unwrap_or(0)] += 1;
        }
        all_shares.extend(values.iter().map(|v| (v - low) as f64 / (high - low).max(1) as f64));
        scores.push(Score {
            id: question.id.clone(),
            label: question.label.clone(),
            responses: values.len() as u64,
            mean: (!values.is_empty()).then(|| round2(values.iter().sum::<i64>() as f64 / values.len() as f64)),
            range: (low, high),
            distribution,
        });
    }
    let satisfied = surveys
        .iter()
        .filter_map(|s| {
            let shares: Vec<f64> = questions
                .iter()
                .filter_map(|q| {
                    let (low, high) = q.scale_range();
                    match s.get(&q.id) {
                        Some(Value::Number(n)) => Some((n - low) as f64 / (high - low).max(1) as f64),
                        _ => None,
                    }
                })
                .collect();
            (!shares.is_empty()).then(|| shares.iter().sum::<f64>() / shares.len() as f64)
        })
        .collect::<Vec<f64>>();

    let mut topics = Vec::new();
    if let Some(field) = file.report.topic_field.as_deref().and_then(|f| definition.form_field(f)) {
        let mut counts: BTreeMap<String, u64> = BTreeMap::new();
        for case in &cases {
            if let Some(value) = case.form.get(&field.id) {
                *counts.entry(value.display()).or_default() += 1;
            }
        }
        topics = field
            .options
            .iter()
            .map(|o| Count { id: o.id.clone(), label: o.label.clone(), count: counts.get(&o.id).copied().unwrap_or(0) })
            .collect();
        topics.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.id.cmp(&b.id)));
    }

    let mut obstacles = Vec::new();
    for case in &cases {
        // A note written for named roles only stays with them: it is not
        // quoted in a report its audience may not cover.
        let general = |n: &&crate::engine::Note| !matches!(n.audience, Some(crate::engine::NoteAudience::Roles(_)));
        for note in case.notes.iter().filter(|n| n.obstacle && local_year(n.at) == year).filter(general) {
            let stage = case
                .visits
                .iter()
                .rev()
                .find(|v| v.entered_at <= note.at)
                .map_or_else(|| case.stage.clone(), |v| v.stage.clone());
            obstacles.push(Obstacle { month: month(note.at), stage, text: note.text.clone() });
        }
    }
    obstacles
        .sort_by(|a, b| a.month.cmp(&b.month).then_with(|| a.stage.cmp(&b.stage)).then_with(|| a.text.cmp(&b.text)));

    Evaluation {
        year,
        organisation: file.organisation.id.clone(),
        organisation_name: file.organisation.name.clone(),
        workflow: file.id.clone(),
        label: file.label.clone(),
        received,
        closed,
        open: received - closed,
        outcomes,
        products,
        months,
        timings,
        breaches,
        survey_responses: surveys.len() as u64,
        scores,
        satisfaction: (!all_shares.is_empty())
            .then(|| round2(all_shares.iter().sum::<f64>() / all_shares.len() as f64)),
        satisfied_share: (!satisfied.is_empty())
            .then(|| round2(satisfied.iter().filter(|s| **s >= 0.75 - 1e-9).count() as f64 / satisfied.len() as f64)),
        topics,
        obstacles,
    }
}

/// The evaluation as CSV: one `section,key,label,value` row per figure.
pub fn to_csv(evaluation: &Evaluation) -> String {
    let mut out = String::from("section,key,label,value\n");
    let mut row = |section: &str, key: &str, label: &str, value: String| {
        let esc = |s: &str| {
            if s.contains([',', '"', '\n']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_owned() }
        };
        out.push_str(&format!("{},{},{},{}\n", esc(section), esc(key), esc(label), esc(&value)));
    };
    let opt = |v: Option<f64>| v.map_or_else(String::new, |v| v.to_string());
    row("volume", "received", "Permohonan diterima", evaluation.received.to_string());
    row("volume", "closed", "Permohonan selesai", evaluation.closed.to_string());
    row("volume", "open", "Permohonan dalam proses", evaluation.open.to_string());
    for c in &evaluation.outcomes {
        row("outcome", &c.id, &c.label, c.count.to_string());
    }
    for c in &evaluation.products {
        row("product", &c.id, &c.label, c.count.to_string());
    }
    for m in &evaluation.months {
        row("month_received", &m.month.to_string(), crate::text::month_name(m.month), m.received.to_string());
        row("month_closed", &m.month.to_string(), crate::text::month_name(m.month), m.closed.to_string());
    }
    for t in &evaluation.timings {
        row("timing_measured", &t.clock, &t.label, t.measured.to_string());
        row("timing_median_hours", &t.clock, &t.label, opt(t.median_hours));
        row("timing_p90_hours", &t.clock, &t.label, opt(t.p90_hours));
        row("timing_within_share", &t.clock, &t.label, opt(t.within_share));
        row("timing_breaches", &t.clock, &t.label, t.breaches.to_string());
    }
    row("breaches", "total", "Pelanggaran waktu standar", evaluation.breaches.to_string());
    row("survey", "responses", "Survei diisi", evaluation.survey_responses.to_string());
    for s in &evaluation.scores {
        row("score_mean", &s.id, &s.label, opt(s.mean));
    }
    row("survey", "satisfaction", "Indeks kepuasan (0-1)", opt(evaluation.satisfaction));
    row("survey", "satisfied_share", "Pengguna puas (skor rata-rata >= 4 dari 5)", opt(evaluation.satisfied_share));
    for c in &evaluation.topics {
        row("topic", &c.id, &c.label, c.count.to_string());
    }
    row("obstacles", "total", "Hambatan dicatat", evaluation.obstacles.len().to_string());
    out
}
