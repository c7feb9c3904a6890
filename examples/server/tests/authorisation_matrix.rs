//! Every principal × every stage × every endpoint, generated from the West
//! Sumatra definition, against the service in this process: nobody performs an action
//! they are not entitled to, nobody reads a confidential field they may not
//! read, and guessing another case's id or tracking code gets nothing.

mod support;

use std::collections::{BTreeMap, VecDeque};

use serde_json::{Value, json};
use sigap_core::definition::{ActionKind, Definition, Field, FieldKind, RoleKind, StageKind};
use support::in_process::{Service, sled_config};
use support::{Api, Part, Reply, pdf, sumbar, sumbar_form};

/// Who knocks.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Who {
    Anonymous,
    /// A staff member of the organisation with one role (the demo account of that role).
    Staff(String),
    /// A staff member of another organisation.
    Stranger,
    /// The applicant of this case.
    Applicant,
    /// The applicant of another case (their code with this case's id, or this code with their secret).
    OtherApplicant,
}

/// The applicant's identity as typed (each value must never reach a reader without the right).
const IDENTITY: [&str; 6] = [
    "Rahmawati Putri",
    "198204142006042003",
    "Kasubag Keuangan Rahasia",
    "Badan Rahasia Daerah",
    "siti.rahasia@example.go.id",
    "+6281234567890",
];

fn form_json() -> Value {
    let mut form = sumbar_form(IDENTITY[0]);
    form["jabatan"] = json!(IDENTITY[2]);
    form["unit_kerja"] = json!(IDENTITY[3]);
    form["email"] = json!(IDENTITY[4]);
    form["telepon"] = json!("0812 3456 7890");
    form
}

struct Case {
    id: String,
    code: String,
    secret: String,
}

struct World {
    api: Api,
    definition: Definition,
    tokens: BTreeMap<String, String>,
    stranger: String,
    other: Case,
}

fn parts_for<'a>(
    fields: &'a [Field],
    definition: &'a Definition,
    prefix: &str,
    pdf_bytes: &'a [u8],
) -> Vec<(String, Option<String>, bool)> {
    let _ = definition;
    fields
        .iter()
        .filter(|f| f.required || f.kind == FieldKind::File)
        .map(|f| {
            let name = if prefix.is_empty() { f.id.clone() } else { format!("{prefix}.{}", f.id) };
            let value = match f.kind {
                FieldKind::File => None,
                FieldKind::Product => Some("pendapat_hukum".to_owned()),
                FieldKind::Choice => f.options.first().map(|o| o.id.clone()),
                FieldKind::Consent => Some("on".to_owned()),
                FieldKind::LongText => {
                    Some("Alasan atau catatan yang cukup panjang untuk memenuhi batas minimal.".to_owned())
                }
                _ => Some("Isian".to_owned()),
            };
            let _ = pdf_bytes;
            (name, value, f.kind == FieldKind::File)
        })
        .collect()
}

impl World {
    fn auth(&self, who: &Who) -> Vec<(String, String)> {
        match who {
            Who::Staff(role) => vec![("authorization".to_owned(), self.tokens[role].clone())],
            Who::Stranger => vec![("authorization".to_owned(), self.stranger.clone())],
            _ => Vec::new(),
        }
    }

    fn submit(&self) -> Case {
        let reply = self.api.post("/api/v1/workflows/konsultasi-hukum-asn/cases", &[], &json!({ "form": form_json() }));
        assert_eq!(reply.status, 201, "{:?}", reply.json);
        let code = reply.json["tracking_code"].as_str().unwrap().to_owned();
        let secret = reply.json["secret"].as_str().unwrap().to_owned();
        let inbox = self.api.get("/api/v1/inbox", &[("authorization", &self.tokens["pokja_dokumentasi"])]);
        let id = inbox.json.as_array().unwrap().iter().find(|t| t["tracking_code"] == code.as_str()).unwrap()["case"]
            .as_str()
            .unwrap()
            .to_owned();
        Case { id, code, secret }
    }

    /// Performs an action as `who`, with valid inputs.
    fn perform(&self, case: &Case, who: &Who, action: &str) -> Reply {
        let def = self.definition.action(action).unwrap();
        let document = pdf("dokumen");
        let mut fields = parts_for(&def.inputs, &self.definition, "", &document);
        if def.kind == ActionKind::Amend {
            for (k, v) in form_json().as_object().unwrap() {
                let value = match v {
                    Value::Bool(b) => {
                        if *b {
                            "on".to_owned()
                        } else {
                            String::new()
                        }
                    }
                    other => other.as_str().unwrap_or_default().to_owned(),
                };
                fields.push((format!("form.{k}"), Some(value), false));
            }
        }
        let parts: Vec<Part<'_>> = fields
            .iter()
            .map(|(name, value, file)| {
                if *file {
                    Part::File(name, "dokumen.pdf", &document)
                } else {
                    Part::Text(name, value.as_deref().unwrap_or(""))
                }
            })
            .collect();
        match who {
            Who::Applicant | Who::OtherApplicant => {
                let secret = if *who == Who::Applicant { case.secret.clone() } else { self.other.secret.clone() };
                self.api.post_multipart(
                    &format!("/api/v1/track/{}/actions/{action}", case.code),
                    &[("x-tracking-secret", &secret)],
                    &parts,
                )
            }
            _ => {
                let auth = self.auth(who);
                let headers: Vec<(&str, &str)> = auth.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                self.api.post_multipart(&format!("/api/v1/cases/{}/actions/{action}", case.id), &headers, &parts)
            }
        }
    }

    /// A principal that may perform `action` from `stage`.
    fn performer(&self, action: &str, stage: &str) -> Who {
        let def = self.definition.action(action).unwrap();
        let roles = self.definition.performers(def, stage);
        let role = roles[0];
        if self.definition.role(role).unwrap().kind == RoleKind::Applicant {
            Who::Applicant
        } else {
            Who::Staff(role.to_owned())
        }
    }

    /// A new case brought to `stage` along the shortest path of actions.
    fn case_at(&self, stage: &str) -> Case {
        let start = &self.definition.submit_action().to;
        let mut previous: BTreeMap<String, (String, String)> = BTreeMap::new();
        let mut queue = VecDeque::from([start.clone()]);
        while let Some(s) = queue.pop_front() {
            for action in self.definition.actions_from(&s) {
                if !previous.contains_key(&action.to) && &action.to != start {
                    previous.insert(action.to.clone(), (s.clone(), action.id.clone()));
                    queue.push_back(action.to.clone());
                }
            }
        }
        let mut path = Vec::new();
        let mut at = stage.to_owned();
        while &at != start {
            let (from, action) = previous.get(&at).unwrap_or_else(|| panic!("no path to {stage}")).clone();
            path.push((from.clone(), action));
            at = from;
        }
        path.reverse();
        let case = self.submit();
        for (from, action) in path {
            let reply = self.perform(&case, &self.performer(&action, &from), &action);
            assert_eq!(reply.status, 200, "bringing a case to {stage}: {action}: {:?}", reply.json);
        }
        case
    }

    fn version(&self, case: &Case) -> u64 {
        self.api
            .get(&format!("/api/v1/cases/{}", case.id), &[("authorization", &self.tokens["pokja_dokumentasi"])])
            .json["version"]
            .as_u64()
            .unwrap()
    }
}

fn confidential_readers(definition: &Definition) -> Vec<String> {
    definition.file().visibility.confidential.clone()
}

fn leaks(reply: &Reply) -> Vec<&'static str> {
    let text = String::from_utf8_lossy(&reply.bytes);
    IDENTITY.iter().copied().filter(|v| text.contains(v)).collect()
}

#[test]
fn every_principal_every_stage_every_endpoint() {
    let dir = tempfile::tempdir().unwrap();
    // Hundreds of wrong secrets from one address are the point here; the limit itself is tested elsewhere.
    let config = format!("{}tracking_attempts = 100000\n", sled_config(dir.path()));
    let server = std::sync::Arc::new(Service::start(&config, "127.0.0.1:50000".parse().unwrap()));
    let workflow = sumbar();
    let definition = workflow.definition.as_ref().clone();
    let api = Api::of(&server);
    let staff_roles: Vec<String> =
        definition.file().roles.iter().filter(|r| r.kind == RoleKind::Staff).map(|r| r.id.clone()).collect();
    let tokens: BTreeMap<String, String> = staff_roles.iter().map(|r| (r.clone(), api.sign_in(r))).collect();
    let stranger = api.sign_in("kabag");
    let mut world = World {
        api,
        definition: definition.clone(),
        tokens,
        stranger,
        other: Case { id: String::new(), code: String::new(), secret: String::new() },
    };
    world.other = world.submit();

    let mut principals = vec![Who::Anonymous, Who::Stranger, Who::Applicant, Who::OtherApplicant];
    principals.extend(staff_roles.iter().map(|r| Who::Staff(r.clone())));
    let readers = confidential_readers(&definition);
    let stages: Vec<String> =
        definition.file().stages.iter().filter(|s| s.kind != StageKind::Applicant).map(|s| s.id.clone()).collect();
    let (mut denied_checked, mut allowed_checked, mut reads_checked) = (0, 0, 0);

    for stage in &stages {
        let case = world.case_at(stage);
        let closed = definition.stage(stage).unwrap().kind == StageKind::Terminal;
        for who in &principals {
            // Reading the case.
            let auth = world.auth(who);
            let headers: Vec<(&str, &str)> = auth.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let read = world.api.get(&format!("/api/v1/cases/{}", case.id), &headers);
            match who {
                Who::Staff(role) => {
                    assert_eq!(read.status, 200);
                    let leaked = leaks(&read);
                    if !readers.contains(role) {
                        assert!(leaked.is_empty(), "{role} reads {leaked:?} at {stage}");
                    } else {
                        assert!(!leaked.is_empty(), "{role} is entitled to the identity at {stage}");
                    }
                }
                _ => assert!(matches!(read.status, 401 | 404), "{who:?} reads a case: {}", read.status),
            }
            let inbox = world.api.get("/api/v1/inbox", &headers);
            assert!(leaks(&inbox).is_empty(), "the inbox never carries identity ({who:?})");
            let list = world.api.get("/api/v1/cases", &headers);
            assert!(leaks(&list).is_empty(), "case lists never carry identity ({who:?})");
            let secret = match who {
                Who::Applicant => case.secret.as_str(),
                Who::OtherApplicant => world.other.secret.as_str(),
                _ => "",
            };
            let tracked = world.api.get(&format!("/api/v1/track/{}", case.code), &[("x-tracking-secret", secret)]);
            if *who == Who::Applicant {
                assert_eq!(tracked.status, 200);
            } else {
                assert!(matches!(tracked.status, 401 | 403), "{who:?} tracks another's case: {}", tracked.status);
                assert!(leaks(&tracked).is_empty());
            }
            reads_checked += 1;

            // Every action of the definition.
            for action in &definition.file().actions {
                if action.kind == ActionKind::Submit {
                    continue;
                }
                let performers = definition.performers(action, stage);
                let entitled = !closed
                    && action.from.contains(stage)
                    && match who {
                        Who::Staff(role) => performers.contains(&role.as_str()),
                        Who::Applicant => performers.contains(&definition.applicant_role().id.as_str()),
                        _ => false,
                    };
                if entitled {
                    let fresh = world.case_at(stage);
                    let reply = world.perform(&fresh, who, &action.id);
                    assert_eq!(reply.status, 200, "{who:?} may {} at {stage}: {:?}", action.id, reply.json);
                    allowed_checked += 1;
                } else {
                    let before = world.version(&case);
                    let reply = world.perform(&case, who, &action.id);
                    assert!(
                        (400..500).contains(&reply.status),
                        "{who:?} must not {} at {stage}: {} {:?}",
                        action.id,
                        reply.status,
                        reply.json
                    );
                    assert!(
                        reply.status != 422 || !matches!(who, Who::Anonymous | Who::Stranger),
                        "refused before reading inputs"
                    );
                    assert_eq!(world.version(&case), before, "a refused command changes nothing");
                    assert!(leaks(&reply).is_empty() || *who == Who::Applicant);
                    denied_checked += 1;
                }
            }

            // Claim, note: by role; never by outsiders.
            let claim = world.api.post(&format!("/api/v1/cases/{}/claim", case.id), &headers, &json!({}));
            let stage_role = definition.stage(stage).and_then(|s| s.role.clone());
            let may_claim = matches!(who, Who::Staff(r) if Some(r) == stage_role.as_ref())
                && definition.stage(stage).unwrap().kind == StageKind::Task;
            if may_claim {
                assert_eq!(claim.status, 200, "{who:?} claims at {stage}: {:?}", claim.json);
                let release = world.api.post(&format!("/api/v1/cases/{}/release", case.id), &headers, &json!({}));
                assert_eq!(release.status, 200);
            } else {
                assert!((400..500).contains(&claim.status), "{who:?} claims at {stage}: {}", claim.status);
            }
            let note =
                world.api.post(&format!("/api/v1/cases/{}/notes", case.id), &headers, &json!({ "text": "catatan" }));
            // A closed case is read-only ([visibility.notes] has no after_closing here).
            let may_note = matches!(who, Who::Staff(_)) && !closed;
            assert_eq!(note.status == 200, may_note, "{who:?} notes at {stage}: {} {:?}", note.status, note.json);
        }
    }

    // Guessing: ids and codes that are not yours.
    let anyone = world.api.get("/api/v1/track/ZZZZ-ZZZZ", &[("x-tracking-secret", "guess")]);
    assert_eq!(anyone.status, 404);
    let stranger = world.auth(&Who::Stranger);
    let headers: Vec<(&str, &str)> = stranger.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(
        world.api.get(&format!("/api/v1/cases/{}", world.other.id), &headers).status,
        404,
        "another organisation's case is not there"
    );
    assert_eq!(
        world
            .api
            .get("/api/v1/cases/01ARZ3NDEKTSV4RRFFQ69G5FAV", &[("authorization", &world.tokens["kepala_biro"])])
            .status,
        404
    );
    assert!(
        denied_checked > 300 && allowed_checked > 10 && reads_checked > 50,
        "{denied_checked} {allowed_checked} {reads_checked}"
    );
    let log = server.stop();
    for value in IDENTITY {
        assert!(!log.contains(value), "the log carries {value}");
    }
}
