//! Checks that a workflow file means something: every reference resolves,
//! every stage is reachable and can finish, roles fit stages, and no
//! confidential field is visible to nobody.
//!
//! Every finding is located by key path through the [`Document`] and carries
//! a fix. All findings are collected; none stops the others.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use super::field::{Field, FieldKind};
use super::model::{ActionKind, NotifyOn, Outcome, RoleKind, StageKind, WorkflowFile};
use crate::diag::{Diagnostic, KeyPath, did_you_mean, one_of};
use crate::toml_doc::Document;

mod timers;
mod visibility;

/// Placeholders a notification may use, besides `{input.<id>}`.
pub const PLACEHOLDERS: [&str; 10] =
    ["tracking_code", "workflow", "organisation", "stage", "due", "timer_due", "action", "product", "contact", "link"];

/// Whether `id` is a valid identifier: lowercase ASCII letters, digits, `-` and `_`, starting with a letter or digit.
pub fn is_valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit())
        && id.len() <= 64
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

struct Checker<'d, 'a> {
    doc: &'d Document<'a>,
    file: &'d WorkflowFile,
    found: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
    roles: BTreeMap<&'d str, RoleKind>,
    stages: BTreeMap<&'d str, usize>,
}

/// Where a field sits, which decides the keys it may use.
#[derive(Clone, Copy, PartialEq, Eq)]
enum FieldPlace {
    Form,
    ActionInput,
    Survey,
}

/// The errors and the warnings of a parsed file.
pub(crate) fn check(doc: &Document<'_>, file: &WorkflowFile) -> (Vec<Diagnostic>, Vec<Diagnostic>) {
    let mut checker =
        Checker { doc, file, found: Vec::new(), warnings: Vec::new(), roles: BTreeMap::new(), stages: BTreeMap::new() };
    checker.ids();
    checker.organisation();
    checker.roles();
    checker.form();
    checker.stages();
    checker.actions();
    checker.graph();
    checker.visibility();
    checker.visibility_rules();
    checker.sla();
    checker.timers();
    checker.notifications();
    checker.survey();
    checker.report();
    let mut found = checker.found;
    found.sort_by_key(|d| (d.line, d.column));
    let mut warnings = checker.warnings;
    warnings.sort_by_key(|d| (d.line, d.column));
    (found, warnings)
}

impl<'d> Checker<'d, '_> {
    fn error(&mut self, code: &'static str, path: KeyPath, message: String, help: String) {
        self.found.push(self.doc.error(code, path, message, help));
    }

    fn id(&mut self, path: KeyPath, id: &str, what: &str) {
        if !is_valid_id(id) {
            self.error(
                "bad-id",
                path,
                format!("`{id}` is not a valid {what} id"),
                "ids use lowercase letters a–z, digits, `-` and `_` (at most 64), starting with a letter or digit, e.g. `verifikasi_berkas`".to_owned(),
            );
        }
    }

    fn unique<'x>(&mut self, items: impl Iterator<Item = (KeyPath, &'x str)>, what: &str) {
        let mut seen: BTreeMap<&str, KeyPath> = BTreeMap::new();
        for (path, id) in items {
            if let Some(first) = seen.get(id) {
                let message = format!("the {what} id `{id}` is used twice");
                let help = format!("ids must be unique: rename this one or remove it (the first is at `{first}`)");
                self.error("duplicate-id", path, message, help);
            } else {
                seen.insert(id, path);
            }
        }
    }

    fn ids(&mut self) {
        let root = KeyPath::root();
        let file = self.file;
        self.id(root.key("id"), &file.id, "workflow");
        for (i, role) in file.roles.iter().enumerate() {
            self.id(root.key("roles").index(i).key("id"), &role.id, "role");
            self.roles.entry(&role.id).or_insert(role.kind);
        }
        for (i, stage) in file.stages.iter().enumerate() {
            self.id(root.key("stages").index(i).key("id"), &stage.id, "stage");
            self.stages.entry(&stage.id).or_insert(i);
        }
        for (i, action) in file.actions.iter().enumerate() {
            self.id(root.key("actions").index(i).key("id"), &action.id, "action");
        }
        for (i, product) in file.products.iter().enumerate() {
            self.id(root.key("products").index(i).key("id"), &product.id, "product");
        }
        for (i, n) in file.notifications.iter().enumerate() {
            self.id(root.key("notifications").index(i).key("id"), &n.id, "notification");
        }
        for (i, outcome) in file.outcomes.iter().enumerate() {
            self.id(root.key("outcomes").index(i).key("id"), &outcome.id, "outcome");
        }
        let indexed = |key: &'static str, ids: Vec<&'d str>| {
            ids.into_iter().enumerate().map(|(i, id)| (root.key(key).index(i).key("id"), id)).collect::<Vec<_>>()
        };
        self.unique(indexed("roles", file.roles.iter().map(|r| r.id.as_str()).collect()).into_iter(), "role");
        self.unique(indexed("stages", file.stages.iter().map(|r| r.id.as_str()).collect()).into_iter(), "stage");
        self.unique(indexed("actions", file.actions.iter().map(|r| r.id.as_str()).collect()).into_iter(), "action");
        self.unique(indexed("products", file.products.iter().map(|r| r.id.as_str()).collect()).into_iter(), "product");
        self.unique(
            indexed("notifications", file.notifications.iter().map(|r| r.id.as_str()).collect()).into_iter(),
            "notification",
        );
        self.unique(indexed("outcomes", file.outcomes.iter().map(|r| r.id.as_str()).collect()).into_iter(), "outcome");
    }

    fn organisation(&mut self) {
        let org = &self.file.organisation;
        let path = KeyPath::root().key("organisation");
        self.id(path.key("id"), &org.id, "organisation");
        if org.time_zone.parse::<chrono_tz::Tz>().is_err() {
            let suggestion = did_you_mean(&org.time_zone, chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name()))
                .map(|s| format!("did you mean `{s}`? "))
                .unwrap_or_default();
            self.error(
                "unknown-time-zone",
                path.key("time_zone"),
                format!("`{}` is not an IANA time zone", org.time_zone),
                format!(
                    "{suggestion}Indonesia uses `Asia/Jakarta` (WIB), `Asia/Makassar` (WITA) and `Asia/Jayapura` (WIT)"
                ),
            );
        }
    }

    /// Checks that `role` names a declared role (of `kind`, when given).
    fn role_ref(&mut self, path: KeyPath, role: &str, kind: Option<RoleKind>) {
        match self.roles.get(role) {
            None => {
                let names: Vec<&str> = self.file.roles.iter().map(|r| r.id.as_str()).collect();
                let suggestion = did_you_mean(role, names.iter().copied())
                    .map(|s| format!("did you mean `{s}`? "))
                    .unwrap_or_default();
                self.error(
                    "unknown-role",
                    path,
                    format!("there is no role `{role}`"),
                    format!("{suggestion}declare it under [[roles]] or use one of {}", one_of(names)),
                );
            }
            Some(actual) if kind.is_some_and(|k| k != *actual) => {
                let (wanted, other) = match kind {
                    Some(RoleKind::Applicant) => ("the applicant role", "a staff role"),
                    _ => ("a staff role", "the applicant role"),
                };
                self.error(
                    "wrong-role-kind",
                    path,
                    format!("`{role}` is {other}, but {wanted} is needed here"),
                    format!("name {wanted} here"),
                );
            }
            Some(_) => {}
        }
    }

    fn stage_ref(&mut self, path: KeyPath, stage: &str) -> Option<usize> {
        let found = self.stages.get(stage).copied();
        if found.is_none() {
            let names: Vec<&str> = self.file.stages.iter().map(|s| s.id.as_str()).collect();
            let suggestion =
                did_you_mean(stage, names.iter().copied()).map(|s| format!("did you mean `{s}`? ")).unwrap_or_default();
            self.error(
                "unknown-stage",
                path,
                format!("there is no stage `{stage}`"),
                format!("{suggestion}declare it under [[stages]] or use one of {}", one_of(names)),
            );
        }
        found
    }

    fn roles(&mut self) {
        let applicants: Vec<usize> =
            self.file.roles.iter().enumerate().filter(|(_, r)| r.kind == RoleKind::Applicant).map(|(i, _)| i).collect();
        match applicants.as_slice() {
            [] => self.error(
                "no-applicant-role",
                KeyPath::root().key("roles"),
                "no role is the applicant".to_owned(),
                "mark the role of the person who submits requests with `kind = \"applicant\"`".to_owned(),
            ),
            [_] => {}
            [_, rest @ ..] => {
                for &i in rest {
                    self.error(
                        "several-applicant-roles",
                        KeyPath::root().key("roles").index(i).key("kind"),
                        "a second role is marked as the applicant".to_owned(),
                        "exactly one role has `kind = \"applicant\"`; make this one a staff role".to_owned(),
                    );
                }
            }
        }
    }

    fn fields(&mut self, path: &KeyPath, fields: &[Field], place: FieldPlace) {
        let items: Vec<(KeyPath, &str)> =
            fields.iter().enumerate().map(|(i, f)| (path.index(i).key("id"), f.id.as_str())).collect();
        self.unique(items.into_iter(), "field");
        for (i, field) in fields.iter().enumerate() {
            self.field(&path.index(i), field, place);
        }
    }

    fn field(&mut self, path: &KeyPath, field: &Field, place: FieldPlace) {
        self.id(path.key("id"), &field.id, "field");
        let kind = field.kind;
        let misplaced = |this: &mut Self, key: &str, present: bool, applies: bool, to: &str| {
            if present && !applies {
                this.found.push(this.doc.key_error(
                    "misplaced-key",
                    path.key(key),
                    format!("`{key}` does not apply to a `{}` field", kind.as_str()),
                    format!("remove `{key}`; it only applies to {to}"),
                ));
            }
        };
        misplaced(self, "options", !field.options.is_empty(), kind == FieldKind::Choice, "`choice` fields");
        let is_file = kind == FieldKind::File;
        misplaced(self, "max_files", field.max_files.is_some(), is_file, "`file` fields");
        misplaced(self, "max_size", field.max_size.is_some(), is_file, "`file` fields");
        misplaced(self, "accept", !field.accept.is_empty(), is_file, "`file` fields");
        misplaced(self, "min", field.min.is_some(), kind == FieldKind::Scale, "`scale` fields");
        misplaced(self, "max", field.max.is_some(), kind == FieldKind::Scale, "`scale` fields");
        misplaced(self, "text", field.text.is_some(), kind == FieldKind::Consent, "`consent` fields");
        let textual = kind.is_textual();
        misplaced(self, "min_length", field.min_length.is_some(), textual, "text fields");
        misplaced(self, "max_length", field.max_length.is_some(), textual, "text fields");
        misplaced(self, "confidential", field.confidential, place == FieldPlace::Form, "fields of the intake form");
        misplaced(self, "public", field.public, place == FieldPlace::ActionInput, "action inputs");
        if kind == FieldKind::Choice && field.options.is_empty() {
            self.error(
                "choice-without-options",
                path.key("type"),
                format!("the choice field `{}` has no options", field.id),
                "add `options = [{ id = \"…\", label = \"…\" }, …]`".to_owned(),
            );
        }
        let options: Vec<(KeyPath, &str)> = field
            .options
            .iter()
            .enumerate()
            .map(|(i, o)| (path.key("options").index(i).key("id"), o.id.as_str()))
            .collect();
        for (option_path, id) in &options {
            self.id(option_path.clone(), id, "option");
        }
        self.unique(options.into_iter(), "option");
        if kind == FieldKind::Consent && !field.required {
            self.error(
                "consent-not-required",
                path.key("type"),
                format!("the consent field `{}` is optional", field.id),
                "a consent box means nothing unless it must be ticked: add `required = true`".to_owned(),
            );
        }
        if kind == FieldKind::FormFields && place != FieldPlace::ActionInput {
            self.error(
                "form-fields-misplaced",
                path.key("type"),
                format!("the field `{}` names fields of the intake form, but it is not an action's input", field.id),
                "use `form_fields` as an input of the action that returns a request for completion".to_owned(),
            );
        }
        if kind == FieldKind::FormFields && place == FieldPlace::ActionInput && !field.public {
            self.error(
                "form-fields-not-public",
                path.key("type"),
                format!("the applicant is not shown which fields `{}` asks for", field.id),
                "add `public = true`: the applicant completes exactly the fields named".to_owned(),
            );
        }
        if kind == FieldKind::Product && self.file.products.is_empty() {
            self.error(
                "no-products",
                path.key("type"),
                format!("the field `{}` asks for a product, but the workflow declares none", field.id),
                "declare the products under [[products]]".to_owned(),
            );
        }
        if let (Some(min), Some(max)) = (field.min_length, field.max_length)
            && min > max
        {
            self.error(
                "empty-range",
                path.key("min_length"),
                format!("`min_length` {min} is above `max_length` {max}"),
                "lower `min_length` or raise `max_length`".to_owned(),
            );
        }
        let (low, high) = field.scale_range();
        if kind == FieldKind::Scale && low >= high {
            self.error(
                "empty-range",
                path.key("min"),
                format!("the scale runs from {low} to {high}"),
                "`min` must be below `max`, e.g. 1 to 5".to_owned(),
            );
        }
        if field.max_files == Some(0) || field.max_size.is_some_and(|s| s.0 == 0) {
            self.error(
                "empty-range",
                path.key(if field.max_files == Some(0) { "max_files" } else { "max_size" }),
                "a file field that takes nothing".to_owned(),
                "give `max_files` at least 1 and `max_size` more than 0, or remove the field".to_owned(),
            );
        }
    }

    fn form(&mut self) {
        let path = KeyPath::root().key("form").key("fields");
        if self.file.form.fields.is_empty() {
            self.error(
                "empty-form",
                KeyPath::root().key("form"),
                "the intake form has no fields".to_owned(),
                "add the fields under [[form.fields]]".to_owned(),
            );
        }
        self.fields(&path, &self.file.form.fields, FieldPlace::Form);
    }

    fn stages(&mut self) {
        let file = self.file;
        for (i, stage) in file.stages.iter().enumerate() {
            let path = KeyPath::root().key("stages").index(i);
            match (stage.kind, &stage.role) {
                (StageKind::Terminal, Some(_)) => {
                    self.found.push(self.doc.key_error(
                        "misplaced-key",
                        path.key("role"),
                        format!("the terminal stage `{}` has a role", stage.id),
                        "nobody works on a closed case: remove `role`".to_owned(),
                    ));
                }
                (StageKind::Terminal, None) => {}
                (kind, None) => self.error(
                    "stage-needs-role",
                    path.clone(),
                    format!("the stage `{}` has no role", stage.id),
                    format!(
                        "add `role = \"…\"`: {}",
                        if kind == StageKind::Task { "the staff role that performs it" } else { "the applicant role" }
                    ),
                ),
                (kind, Some(role)) => {
                    let wanted = if kind == StageKind::Task { RoleKind::Staff } else { RoleKind::Applicant };
                    self.role_ref(path.key("role"), role, Some(wanted));
                }
            }
            if let Some(supervisor) = &stage.supervisor {
                self.role_ref(path.key("supervisor"), supervisor, Some(RoleKind::Staff));
            }
            if !stage.watchers.is_empty() && stage.kind != StageKind::Waiting {
                self.found.push(self.doc.key_error(
                    "misplaced-key",
                    path.key("watchers"),
                    format!("`watchers` on the {} stage `{}`", kind_name(stage.kind), stage.id),
                    "watchers follow cases that wait on the applicant: only waiting stages have them".to_owned(),
                ));
            }
            for (j, role) in stage.watchers.iter().enumerate() {
                self.role_ref(path.key("watchers").index(j), role, Some(RoleKind::Staff));
            }
            let outcomes = self.file.outcome_defs();
            let names: Vec<&str> = outcomes.iter().map(|o| o.id.as_str()).collect();
            match stage.kind {
                StageKind::Terminal if stage.outcome.is_none() => self.error(
                    "terminal-needs-outcome",
                    path.clone(),
                    format!("the terminal stage `{}` does not say how the case ended", stage.id),
                    format!(
                        "add `outcome = \"…\"`, one of {} (the evaluation report counts them)",
                        one_of(names.iter().copied())
                    ),
                ),
                StageKind::Terminal => {
                    let id = stage.outcome.as_deref().unwrap_or_default();
                    if !names.contains(&id) {
                        let suggestion = did_you_mean(id, names.iter().copied())
                            .map(|s| format!("did you mean `{s}`? "))
                            .unwrap_or_default();
                        let declared = if self.file.outcomes.is_empty() { "" } else { " declared in `[[outcomes]]`" };
                        self.error(
                            "unknown-outcome",
                            path.key("outcome"),
                            format!(
                                "the outcome `{id}` of the stage `{}` is not an outcome of this workflow",
                                stage.id
                            ),
                            format!("{suggestion}use one of {}{declared}", one_of(names.iter().copied())),
                        );
                    }
                }
                _ if stage.outcome.is_some() => self.found.push(self.doc.key_error(
                    "misplaced-key",
                    path.key("outcome"),
                    format!("`outcome` on the stage `{}`, which is not terminal", stage.id),
                    "only terminal stages have an outcome: remove it".to_owned(),
                )),
                _ => {}
            }
            if stage.time_standard.is_some() && matches!(stage.kind, StageKind::Terminal | StageKind::Waiting) {
                self.found.push(self.doc.key_error(
                    "misplaced-key",
                    path.key("time_standard"),
                    format!("the {} stage `{}` has a time standard", kind_name(stage.kind), stage.id),
                    "time standards apply to the steps people perform; while a case waits on the applicant the clock of the stage it came from pauses: remove it".to_owned(),
                ));
            }
            if stage.time_standard.is_some_and(|d| d.amount == 0) {
                self.error(
                    "zero-time-standard",
                    path.key("time_standard"),
                    "a time standard of zero can never be met".to_owned(),
                    "give the SOP's time, e.g. `30m` or `1wd`, or remove `time_standard`".to_owned(),
                );
            }
            if let Some(warn_at) = stage.warn_at {
                self.warn_at(path.key("warn_at"), warn_at);
            }
        }
        if !file.stages.iter().any(|s| s.kind == StageKind::Terminal) {
            self.error(
                "no-terminal-stage",
                KeyPath::root().key("stages"),
                "no stage ends the procedure".to_owned(),
                "add a stage with `kind = \"terminal\"` and an `outcome`".to_owned(),
            );
        }
        let start = file.start.as_str();
        if let Some(i) = self.stage_ref(KeyPath::root().key("start"), start)
            && file.stages[i].kind != StageKind::Applicant
        {
            self.error(
                "bad-start",
                KeyPath::root().key("start"),
                format!("the procedure starts at `{start}`, which is not an applicant step"),
                "start at the stage where the applicant fills in the form (`kind = \"applicant\"`)".to_owned(),
            );
        }
    }

    fn warn_at(&mut self, path: KeyPath, warn_at: u8) {
        if !(1..=99).contains(&warn_at) {
            self.error(
                "warn-at-range",
                path,
                format!("{warn_at} % is not between 1 and 99"),
                "give the share of the time standard after which the clock is at risk, e.g. 75".to_owned(),
            );
        }
    }

    fn actions(&mut self) {
        let file = self.file;
        let submits: Vec<usize> =
            file.actions.iter().enumerate().filter(|(_, a)| a.kind == ActionKind::Submit).map(|(i, _)| i).collect();
        if submits.is_empty() {
            self.error(
                "no-submit-action",
                KeyPath::root().key("actions"),
                "no action submits the intake form".to_owned(),
                "mark the applicant's submit action with `kind = \"submit\"`".to_owned(),
            );
        }
        for &i in submits.iter().skip(1) {
            self.error(
                "several-submit-actions",
                KeyPath::root().key("actions").index(i).key("kind"),
                "a second action submits the intake form".to_owned(),
                "a case is created once: keep one action with `kind = \"submit\"`".to_owned(),
            );
        }
        for (i, action) in file.actions.iter().enumerate() {
            let path = KeyPath::root().key("actions").index(i);
            let from_ids = action.from.ids();
            if from_ids.is_empty() {
                self.error(
                    "unknown-stage",
                    path.key("from"),
                    format!("the action `{}` leaves no stage", action.id),
                    "name the stage it leaves, e.g. `from = \"verifikasi\"`".to_owned(),
                );
            }
            let many = matches!(action.from, super::model::StageRefs::Many(_));
            let mut from_stages = Vec::new();
            for (j, from) in from_ids.iter().enumerate() {
                let from_path = if many { path.key("from").index(j) } else { path.key("from") };
                if let Some(s) = self.stage_ref(from_path.clone(), from) {
                    from_stages.push((from_path, s));
                }
            }
            let to = self.stage_ref(path.key("to"), &action.to);
            for (j, role) in action.by.iter().enumerate() {
                if role != super::SYSTEM_ROLE {
                    self.role_ref(path.key("by").index(j), role, None);
                }
            }
            if action.by.is_empty() {
                for (_, s) in &from_stages {
                    let stage = &file.stages[*s];
                    if stage.role.is_none() {
                        self.error(
                            "action-by-nobody",
                            path.clone(),
                            format!(
                                "nobody may perform `{}`: it has no `by` and `{}` has no role",
                                action.id, stage.id
                            ),
                            format!("add `by = [\"…\"]` to the action, or give the stage `{}` a role", stage.id),
                        );
                    }
                }
            }
            self.fields(&path.key("inputs"), &action.inputs, FieldPlace::ActionInput);
            let to_waiting = to.is_some_and(|t| self.file.stages[t].kind == StageKind::Waiting);
            for (n, input) in action.inputs.iter().enumerate() {
                if input.kind == FieldKind::FormFields && !to_waiting {
                    self.error(
                        "form-fields-not-returning",
                        path.key("inputs").index(n).key("type"),
                        format!(
                            "`{}` asks for fields of the intake form, but `{}` leads to `{}`, where nobody completes them",
                            input.id, action.id, action.to
                        ),
                        "give `form_fields` inputs only to an action leading to a waiting stage the applicant completes (an `amend` action leaves it)".to_owned(),
                    );
                }
            }
            self.action_kind(&path, i, &from_stages, to);
        }
    }

    fn action_kind(&mut self, path: &KeyPath, i: usize, from: &[(KeyPath, usize)], to: Option<usize>) {
        let file = self.file;
        let action = &file.actions[i];
        let applicant_only = |by: &[String], roles: &BTreeMap<&str, RoleKind>| {
            !by.is_empty() && by.iter().all(|r| roles.get(r.as_str()) == Some(&RoleKind::Applicant))
        };
        let by_applicant = applicant_only(&action.by, &self.roles)
            || (action.by.is_empty()
                && from.iter().all(|(_, s)| file.stages[*s].kind != StageKind::Task && file.stages[*s].role.is_some()));
        for (from_path, s) in from {
            let from_stage = &file.stages[*s];
            match (from_stage.kind, action.kind) {
                (StageKind::Terminal, _) => self.error(
                    "terminal-has-actions",
                    from_path.clone(),
                    format!("the action `{}` leaves the terminal stage `{}`", action.id, from_stage.id),
                    "a closed case stays closed: make the stage non-terminal or remove the action".to_owned(),
                ),
                (StageKind::Applicant, ActionKind::Submit | ActionKind::Move) => {}
                (_, ActionKind::Submit) => self.error(
                    "bad-submit",
                    from_path.clone(),
                    format!(
                        "the submit action `{}` leaves `{}`, which is not an applicant step",
                        action.id, from_stage.id
                    ),
                    "the form is submitted from the stage where the applicant fills it in (`kind = \"applicant\"`)"
                        .to_owned(),
                ),
                (StageKind::Applicant, _) => self.error(
                    "bad-applicant-step",
                    path.key("kind"),
                    format!(
                        "`{}` leaves the applicant step `{}` but is not a submit or move",
                        action.id, from_stage.id
                    ),
                    "before submission the applicant can only move between steps or submit".to_owned(),
                ),
                (StageKind::Waiting, _) | (StageKind::Task, ActionKind::Move | ActionKind::Answer) => {}
                (StageKind::Task, ActionKind::Amend) => self.error(
                    "bad-amend",
                    from_path.clone(),
                    format!(
                        "the amend action `{}` leaves `{}`, which does not wait on the applicant",
                        action.id, from_stage.id
                    ),
                    "the applicant amends the form while the case waits on them: leave a `waiting` stage".to_owned(),
                ),
            }
        }
        let to_stage = to.map(|t| &file.stages[t]);
        let from_applicant_step = from.iter().any(|(_, s)| file.stages[*s].kind == StageKind::Applicant);
        if let Some(to_stage) = to_stage {
            let enters_case = to_stage.kind != StageKind::Applicant;
            if from_applicant_step && action.kind == ActionKind::Move && enters_case {
                self.error(
                    "bad-applicant-step",
                    path.key("kind"),
                    format!("`{}` takes the applicant past `{}` without submitting the form", action.id, to_stage.id),
                    "make it `kind = \"submit\"` (it carries the intake form and creates the case)".to_owned(),
                );
            }
            if action.kind == ActionKind::Submit && !enters_case {
                self.error(
                    "bad-submit",
                    path.key("to"),
                    format!("the submit action `{}` leads to another applicant step", action.id),
                    "after submission staff take over: lead to the first staff task".to_owned(),
                );
            }
            if !from_applicant_step && to_stage.kind == StageKind::Applicant {
                self.error(
                    "bad-applicant-step",
                    path.key("to"),
                    format!("`{}` sends an existing case back to the applicant step `{}`", action.id, to_stage.id),
                    "to ask the applicant for something, lead to a stage with `kind = \"waiting\"`".to_owned(),
                );
            }
            if self.file.outcome_category(to_stage) == Some(Outcome::Rejected)
                && !action.inputs.iter().any(|f| f.required && f.public && f.kind.is_textual())
            {
                self.error(
                    "rejection-without-reason",
                    path.clone(),
                    format!("`{}` rejects the request without a reason for the applicant", action.id),
                    "the guideline requires a rejection notice with reasons: add an input with `type = \"long_text\"`, `required = true` and `public = true`".to_owned(),
                );
            }
        }
        if matches!(action.kind, ActionKind::Submit | ActionKind::Amend) && !by_applicant {
            self.error(
                "wrong-role-kind",
                path.key("by"),
                format!("`{}` carries the intake form but is not performed by the applicant", action.id),
                "let only the applicant role perform it: `by = [\"<applicant role>\"]`".to_owned(),
            );
        }
        if action.kind == ActionKind::Answer {
            let has = |kind: FieldKind| action.inputs.iter().any(|f| f.kind == kind && f.required);
            if !has(FieldKind::Product) || !has(FieldKind::File) {
                self.error(
                    "answer-needs-inputs",
                    path.clone(),
                    format!(
                        "the answer action `{}` does not ask for both the product and the answer document",
                        action.id
                    ),
                    "add a required input with `type = \"product\"` and a required input with `type = \"file\"`"
                        .to_owned(),
                );
            }
        }
    }

    fn graph(&mut self) {
        let file = self.file;
        let n = file.stages.len();
        let index = |id: &str| file.stages.iter().position(|s| s.id == id);
        let mut edges: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut reverse: Vec<Vec<usize>> = vec![Vec::new(); n];
        for action in &file.actions {
            let Some(to) = index(&action.to) else {
                continue;
            };
            for from in action.from.ids() {
                if let Some(from) = index(from) {
                    edges[from].push(to);
                    reverse[to].push(from);
                }
            }
        }
        let Some(start) = index(&file.start) else {
            return;
        };
        let reached = walk(start, &edges);
        let terminals: Vec<usize> = (0..n).filter(|&i| file.stages[i].kind == StageKind::Terminal).collect();
        let mut finishing = vec![false; n];
        for &t in &terminals {
            for (i, hit) in walk(t, &reverse).into_iter().enumerate() {
                finishing[i] |= hit;
            }
        }
        for (i, stage) in file.stages.iter().enumerate() {
            if i != start && self.stages.get(stage.id.as_str()) != Some(&i) {
                continue; // a duplicate id, reported already
            }
            let path = KeyPath::root().key("stages").index(i);
            let is_terminal = stage.kind == StageKind::Terminal;
            if !reached[i] {
                self.error(
                    "unreachable-stage",
                    path.key("id"),
                    format!("no action leads to the stage `{}` from the start `{}`", stage.id, file.start),
                    "add an action with `to` this stage, or remove the stage".to_owned(),
                );
            } else if !is_terminal && edges[i].is_empty() {
                self.error(
                    "dead-end",
                    path.key("id"),
                    format!("a case in `{}` can never leave it", stage.id),
                    "add an action with `from` this stage, or make it `kind = \"terminal\"`".to_owned(),
                );
            } else if !is_terminal && !terminals.is_empty() && !finishing[i] {
                self.error(
                    "no-way-out",
                    path.key("id"),
                    format!("from `{}` no sequence of actions reaches a terminal stage", stage.id),
                    "the stages here form a cycle with no exit: add an action from one of them to a terminal stage"
                        .to_owned(),
                );
            }
        }
    }

    fn visibility(&mut self) {
        let file = self.file;
        let path = KeyPath::root().key("visibility");
        for (i, role) in file.visibility.confidential.iter().enumerate() {
            self.role_ref(path.key("confidential").index(i), role, Some(RoleKind::Staff));
        }
        for (field, roles) in &file.visibility.fields {
            let field_path = path.key("fields").key(field.as_str());
            if !file.form.fields.iter().any(|f| &f.id == field) {
                let names: Vec<&str> = file.form.fields.iter().map(|f| f.id.as_str()).collect();
                let suggestion = did_you_mean(field, names.iter().copied())
                    .map(|s| format!("did you mean `{s}`? "))
                    .unwrap_or_default();
                self.found.push(self.doc.key_error(
                    "unknown-field",
                    field_path.clone(),
                    format!("the form has no field `{field}`"),
                    format!("{suggestion}use one of {}", one_of(names)),
                ));
            }
            for (j, role) in roles.iter().enumerate() {
                self.role_ref(field_path.index(j), role, Some(RoleKind::Staff));
            }
        }
        for (i, field) in file.form.fields.iter().enumerate() {
            let readers = file.visibility.fields.get(&field.id).unwrap_or(&file.visibility.confidential);
            if field.confidential && readers.is_empty() {
                self.error(
                    "confidential-visible-to-nobody",
                    KeyPath::root().key("form").key("fields").index(i).key("confidential"),
                    format!("the confidential field `{}` is visible to no staff role", field.id),
                    "name the roles that may read it in `[visibility] confidential = [\"…\"]` or `[visibility.fields]`"
                        .to_owned(),
                );
            }
        }
    }

    fn sla(&mut self) {
        let path = KeyPath::root().key("sla");
        self.warn_at(path.key("warn_at"), self.file.sla.warn_at);
        if let Some(role) = &self.file.sla.overall_supervisor {
            self.role_ref(path.key("overall_supervisor"), role, Some(RoleKind::Staff));
        }
        if self.file.sla.overall.is_some_and(|d| d.amount == 0) {
            self.error(
                "zero-time-standard",
                path.key("overall"),
                "an overall time standard of zero can never be met".to_owned(),
                "give the total time, e.g. `3wd`, or remove it".to_owned(),
            );
        }
    }

    fn notifications(&mut self) {
        let file = self.file;
        for (i, n) in file.notifications.iter().enumerate() {
            let path = KeyPath::root().key("notifications").index(i);
            if let Some(stage) = &n.stage {
                if matches!(n.on, NotifyOn::Entered | NotifyOn::Warned | NotifyOn::Breached) {
                    self.stage_ref(path.key("stage"), stage);
                } else {
                    self.found.push(self.doc.key_error(
                        "misplaced-key",
                        path.key("stage"),
                        "`stage` only narrows `entered`, `warned` and `breached`".to_owned(),
                        "remove `stage`".to_owned(),
                    ));
                }
            }
            let action = match &n.action {
                Some(id) if n.on == NotifyOn::Action => {
                    let found = file.actions.iter().find(|a| &a.id == id);
                    if found.is_none() {
                        let names: Vec<&str> = file.actions.iter().map(|a| a.id.as_str()).collect();
                        let suggestion = did_you_mean(id, names.iter().copied())
                            .map(|s| format!("did you mean `{s}`? "))
                            .unwrap_or_default();
                        self.error(
                            "unknown-action",
                            path.key("action"),
                            format!("there is no action `{id}`"),
                            format!("{suggestion}use one of {}", one_of(names)),
                        );
                    }
                    found
                }
                Some(_) => {
                    self.found.push(self.doc.key_error(
                        "misplaced-key",
                        path.key("action"),
                        "`action` only narrows `on = \"action\"`".to_owned(),
                        "remove `action`, or set `on = \"action\"`".to_owned(),
                    ));
                    None
                }
                None => None,
            };
            match &n.timer {
                Some(id) if n.on == NotifyOn::Timer => {
                    let timers: Vec<&str> = file.stages.iter().flat_map(|s| &s.timers).map(|t| t.id.as_str()).collect();
                    if !timers.contains(&id.as_str()) {
                        let suggestion = did_you_mean(id, timers.iter().copied())
                            .map(|s| format!("did you mean `{s}`? "))
                            .unwrap_or_default();
                        self.error(
                            "unknown-timer",
                            path.key("timer"),
                            format!("there is no stage timer `{id}`"),
                            format!("{suggestion}use one of {}", one_of(timers)),
                        );
                    }
                }
                Some(_) => self.found.push(self.doc.key_error(
                    "misplaced-key",
                    path.key("timer"),
                    "`timer` only narrows `on = \"timer\"`".to_owned(),
                    "remove `timer`, or set `on = \"timer\"`".to_owned(),
                )),
                None => {}
            }
            if n.to.is_empty() {
                self.error(
                    "no-recipients",
                    path.key("to"),
                    "the notification goes to nobody".to_owned(),
                    "list recipients: `applicant`, `stage_role`, `supervisor`, `assignee` or a role id".to_owned(),
                );
            }
            for (j, to) in n.to.iter().enumerate() {
                if !["applicant", "stage_role", "supervisor", "assignee"].contains(&to.as_str()) {
                    self.role_ref(path.key("to").index(j), to, None);
                }
            }
            let to_applicant =
                n.to.iter().any(|t| t == "applicant" || self.roles.get(t.as_str()) == Some(&RoleKind::Applicant));
            for key in ["subject", "body"] {
                let text = if key == "subject" { &n.subject } else { &n.body };
                for placeholder in placeholders(text) {
                    self.placeholder(path.key(key), &placeholder, action, to_applicant);
                }
            }
        }
    }

    fn placeholder(
        &mut self,
        path: KeyPath,
        placeholder: &str,
        action: Option<&super::model::Action>,
        to_applicant: bool,
    ) {
        if let Some(input) = placeholder.strip_prefix("input.") {
            let Some(action) = action else {
                self.error(
                    "unknown-placeholder",
                    path,
                    format!("`{{{placeholder}}}` needs one action to take the input from"),
                    "use `{input.…}` only with `on = \"action\"` and `action = \"…\"`".to_owned(),
                );
                return;
            };
            match action.inputs.iter().find(|f| f.id == input) {
                None => {
                    let names: Vec<&str> = action.inputs.iter().map(|f| f.id.as_str()).collect();
                    self.error(
                        "unknown-placeholder",
                        path,
                        format!("the action `{}` has no input `{input}`", action.id),
                        format!("use one of its inputs: {}", one_of(names)),
                    );
                }
                Some(field) if to_applicant && !field.public => self.error(
                    "leaks-internal-input",
                    path,
                    format!("`{{{placeholder}}}` would show the applicant an internal input"),
                    format!(
                        "mark the input `{input}` of `{}` with `public = true`, or drop it from this message",
                        action.id
                    ),
                ),
                Some(_) => {}
            }
            return;
        }
        if !PLACEHOLDERS.contains(&placeholder) {
            let suggestion = did_you_mean(placeholder, PLACEHOLDERS)
                .map(|s| format!("did you mean `{{{s}}}`? "))
                .unwrap_or_default();
            let names: Vec<String> = PLACEHOLDERS.iter().map(|p| format!("{{{p}}}")).collect();
            self.error(
                "unknown-placeholder",
                path,
                format!("`{{{placeholder}}}` is not a placeholder"),
                format!(
                    "{suggestion}placeholders are {} and `{{input.<id>}}`; write `{{{{` for a literal brace",
                    one_of(names.iter().map(String::as_str))
                ),
            );
        }
    }

    fn survey(&mut self) {
        let Some(survey) = &self.file.survey else {
            return;
        };
        let path = KeyPath::root().key("survey");
        if survey.questions.is_empty() {
            self.error(
                "empty-form",
                path.clone(),
                "the survey has no questions".to_owned(),
                "add questions under [[survey.questions]] or remove [survey]".to_owned(),
            );
        }
        self.fields(&path.key("questions"), &survey.questions, FieldPlace::Survey);
        for (i, stage) in survey.after.iter().enumerate() {
            if let Some(s) = self.stage_ref(path.key("after").index(i), stage)
                && self.file.stages[s].kind != StageKind::Terminal
            {
                self.error(
                    "survey-before-end",
                    path.key("after").index(i),
                    format!("the survey is offered in `{stage}`, which is not terminal"),
                    "offer the survey once the case is closed: name terminal stages".to_owned(),
                );
            }
        }
    }

    fn report(&mut self) {
        let path = KeyPath::root().key("report");
        if let Some(topic) = &self.file.report.topic_field {
            match self.file.form.fields.iter().find(|f| &f.id == topic) {
                Some(field) if field.kind == FieldKind::Choice => {}
                Some(field) => self.error(
                    "bad-topic-field",
                    path.key("topic_field"),
                    format!("the topic field `{topic}` is a `{}` field", field.kind.as_str()),
                    "topics are counted from a `choice` field, so that the report groups like with like".to_owned(),
                ),
                None => self.error(
                    "unknown-field",
                    path.key("topic_field"),
                    format!("the form has no field `{topic}`"),
                    "name a `choice` field of [form]".to_owned(),
                ),
            }
        }
        for (i, role) in self.file.report.readers.iter().enumerate() {
            self.role_ref(path.key("readers").index(i), role, Some(RoleKind::Staff));
        }
    }
}

fn kind_name(kind: StageKind) -> &'static str {
    match kind {
        StageKind::Applicant => "applicant",
        StageKind::Task => "task",
        StageKind::Waiting => "waiting",
        StageKind::Terminal => "terminal",
    }
}

fn walk(start: usize, edges: &[Vec<usize>]) -> Vec<bool> {
    let mut seen = vec![false; edges.len()];
    let mut queue = VecDeque::from([start]);
    seen[start] = true;
    while let Some(i) = queue.pop_front() {
        for &j in &edges[i] {
            if !seen[j] {
                seen[j] = true;
                queue.push_back(j);
            }
        }
    }
    seen
}

/// The `{placeholders}` in a template; `{{` and `}}` are literal braces.
pub fn placeholders(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut rest = text;
    while let Some(i) = rest.find(['{', '}']) {
        let after = &rest[i + 1..];
        if rest[i..].starts_with("{{") || rest[i..].starts_with("}}") {
            rest = &rest[i + 2..];
            continue;
        }
        if rest.as_bytes()[i] == b'}' {
            rest = after;
            continue;
        }
        match after.find('}') {
            Some(end) => {
                found.insert(after[..end].trim().to_owned());
                rest = &after[end + 1..];
            }
            None => break,
        }
    }
    found
}
