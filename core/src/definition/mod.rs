//! Workflow definitions: a service procedure declared in TOML.
//!
//! A workflow file names its organisation (and that organisation's business
//! calendar), the roles people hold, the intake form, the stages of the SOP
//! with their performers and time standards, the actions that move a case
//! between stages and who may perform them, who may see which fields, the
//! notifications, the products of an answer and the satisfaction survey.
//! See `workflows/sumbar/` for the West Sumatra legal-consultation service.
//!
//! [`Definition::load`] parses and checks a file and reports every problem
//! at once, each located by file, line, column and key path with a fix.
//! A loaded definition has a stable [`Definition::id`] and a content
//! [`Definition::version`]: the SHA-256 of its canonical form, which a case
//! pins when it starts so that later edits never change a running case.

mod field;
pub mod graph;
mod model;
pub mod sop;
pub mod timer;
mod validate;

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

pub use field::{ByteSize, ChoiceOption, Field, FieldKind, FileType};
pub use model::{
    Access, Action, ActionKind, AddRule, ApplicantView, Form, Notification, NotifyOn, Organisation, Outcome,
    OutcomeDef, Product, Reach, ReachRule, Report, Role, RoleKind, Sla, SopHeader, Stage, StageKind, StageRefs, Survey,
    Visibility, WorkflowFile, WorkflowKind,
};
pub use timer::{Anchor, Effect, Timer, TimerOffset};
pub use validate::{PLACEHOLDERS, is_valid_id, placeholders};

use crate::diag::{Diagnostics, KeyPath};
use crate::toml_doc::Document;

/// Warnings of a loaded file; not part of what a definition is, so two
/// definitions of the same content are equal whatever was said on loading.
#[derive(Debug, Clone, Default)]
struct Warnings(Vec<crate::diag::Diagnostic>);

impl PartialEq for Warnings {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// The reserved name in an action's `by` for the system (stage timers).
pub const SYSTEM_ROLE: &str = "system";

/// A checked workflow definition.
#[derive(Debug, Clone, PartialEq)]
pub struct Definition {
    file: WorkflowFile,
    version: String,
    warnings: Warnings,
    stage_index: BTreeMap<String, usize>,
    action_index: BTreeMap<String, usize>,
}

impl Definition {
    /// Parse and check a workflow file known to the person as `file`.
    ///
    /// The organisation's calendar is not read here; see
    /// [`crate::workflow::Workflow::load`] for loading both.
    pub fn load(file: &str, text: &str) -> Result<Self, Diagnostics> {
        let doc = Document::parse(file, text)?;
        Self::from_document(&doc)
    }

    /// Check an already parsed document.
    pub fn from_document(doc: &Document<'_>) -> Result<Self, Diagnostics> {
        if let Some(kind) = doc.top_level_str("kind")
            && kind != "workflow"
        {
            return Err(Diagnostics(vec![doc.error(
                "wrong-kind",
                KeyPath::root().key("kind"),
                format!("this is a `{kind}` file, not a workflow"),
                "workflow files start with `kind = \"workflow\"`; check the file you meant".to_owned(),
            )]));
        }
        let file: WorkflowFile = doc.deserialize()?;
        let (found, warnings) = validate::check(doc, &file);
        if !found.is_empty() {
            return Err(Diagnostics(found));
        }
        Ok(Self { warnings: Warnings(warnings), ..Self::from_checked(file) })
    }

    /// What the checker found questionable but not wrong, located like
    /// errors (empty for a definition read back from storage).
    pub fn warnings(&self) -> &[crate::diag::Diagnostic] {
        &self.warnings.0
    }

    /// Build from a file already known to be valid (e.g. read back from storage).
    ///
    /// Storage keeps definitions that were checked when they were stored;
    /// this re-derives the indexes and the version.
    pub fn from_checked(file: WorkflowFile) -> Self {
        let canonical = crate::canonical::to_vec(&file).expect("a workflow file holds no floating-point number");
        let version = hex(&Sha256::digest(&canonical));
        let stage_index = file.stages.iter().enumerate().map(|(i, s)| (s.id.clone(), i)).collect();
        let action_index = file.actions.iter().enumerate().map(|(i, a)| (a.id.clone(), i)).collect();
        Self { file, version, warnings: Warnings::default(), stage_index, action_index }
    }

    /// The file as written (after defaults).
    pub fn file(&self) -> &WorkflowFile {
        &self.file
    }

    /// The stable id.
    pub fn id(&self) -> &str {
        &self.file.id
    }

    /// The content version: lowercase hex SHA-256 of the canonical JSON form.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The first 12 hex digits of the version, for people.
    pub fn short_version(&self) -> &str {
        &self.version[..12]
    }

    /// The organisation (tenant) id.
    pub fn organisation_id(&self) -> &str {
        &self.file.organisation.id
    }

    /// The service's label.
    pub fn label(&self) -> &str {
        &self.file.label
    }

    /// A stage by id.
    pub fn stage(&self, id: &str) -> Option<&Stage> {
        self.stage_index.get(id).map(|&i| &self.file.stages[i])
    }

    /// A stage timer by stage and timer id.
    pub fn timer(&self, stage: &str, id: &str) -> Option<&Timer> {
        self.stage(stage).and_then(|s| s.timers.iter().find(|t| t.id == id))
    }

    /// Whether only stage timers perform an action (`by = ["system"]`).
    pub fn is_system_action(action: &Action) -> bool {
        !action.by.is_empty() && action.by.iter().all(|r| r == SYSTEM_ROLE)
    }

    /// An action by id.
    pub fn action(&self, id: &str) -> Option<&Action> {
        self.action_index.get(id).map(|&i| &self.file.actions[i])
    }

    /// A role by id.
    pub fn role(&self, id: &str) -> Option<&Role> {
        self.file.roles.iter().find(|r| r.id == id)
    }

    /// The applicant role.
    pub fn applicant_role(&self) -> &Role {
        self.file.roles.iter().find(|r| r.kind == RoleKind::Applicant).expect("checked: one applicant role")
    }

    /// The action that submits the intake form.
    pub fn submit_action(&self) -> &Action {
        self.file.actions.iter().find(|a| a.kind == ActionKind::Submit).expect("checked: one submit action")
    }

    /// The actions that leave `stage`.
    pub fn actions_from<'a>(&'a self, stage: &str) -> impl Iterator<Item = &'a Action> + use<'a> {
        let stage = stage.to_owned();
        self.file.actions.iter().filter(move |a| a.from.contains(&stage))
    }

    /// The roles that may perform `action` (its `by`, or the role of the stage it leaves).
    pub fn performers<'a>(&'a self, action: &'a Action, from: &str) -> Vec<&'a str> {
        if action.by.is_empty() {
            self.stage(from).and_then(|s| s.role.as_deref()).into_iter().collect()
        } else {
            action.by.iter().map(String::as_str).collect()
        }
    }

    /// The roles people hold that may perform `action` on a case in
    /// `stage`, with the role an escalation timer moved the task to
    /// (`escalated_to`), who may do what the stage's role may; never the
    /// reserved `system`.
    pub fn people_performing<'a>(
        &'a self,
        action: &'a Action,
        stage: &str,
        escalated_to: Option<&'a str>,
    ) -> Vec<&'a str> {
        let mut roles: Vec<&str> = self.performers(action, stage).into_iter().filter(|r| *r != SYSTEM_ROLE).collect();
        let stage_role = self.stage(stage).and_then(|s| s.role.as_deref());
        if let Some(escalated) = escalated_to
            && stage_role.is_some_and(|r| roles.contains(&r))
            && !roles.contains(&escalated)
        {
            roles.push(escalated);
        }
        roles
    }

    /// A field of the intake form.
    pub fn form_field(&self, id: &str) -> Option<&Field> {
        self.file.form.fields.iter().find(|f| f.id == id)
    }

    /// The staff roles that may read a form field.
    pub fn field_readers(&self, field: &Field) -> Vec<&str> {
        let visibility = &self.file.visibility;
        if let Some(roles) = visibility.fields.get(&field.id) {
            roles.iter().map(String::as_str).collect()
        } else if field.confidential {
            visibility.confidential.iter().map(String::as_str).collect()
        } else {
            self.file.roles.iter().filter(|r| r.kind == RoleKind::Staff).map(|r| r.id.as_str()).collect()
        }
    }

    /// Whether any of `roles` may read the form field.
    pub fn may_read_field(&self, roles: &[&str], field: &Field) -> bool {
        let readers = self.field_readers(field);
        roles.iter().any(|r| readers.contains(r))
    }

    /// The warn share (percent) of a stage's clock.
    pub fn warn_at(&self, stage: &Stage) -> u8 {
        stage.warn_at.unwrap_or(self.file.sla.warn_at)
    }

    /// Terminal stages after which the survey is offered.
    pub fn survey_stages(&self) -> Vec<&str> {
        match &self.file.survey {
            None => Vec::new(),
            Some(survey) if !survey.after.is_empty() => survey.after.iter().map(String::as_str).collect(),
            Some(_) => self
                .file
                .stages
                .iter()
                .filter(|s| self.file.outcome_category(s) == Some(Outcome::Answered))
                .map(|s| s.id.as_str())
                .collect(),
        }
    }

    /// A product by id.
    pub fn product(&self, id: &str) -> Option<&Product> {
        self.file.products.iter().find(|p| p.id == id)
    }
}

/// Lowercase hex of bytes (content ids and hashes are written this way).
pub fn hex(bytes: &[u8]) -> String {
    ::hex::encode(bytes)
}

/// The JSON Schema of workflow files, for editors (taplo, Even Better TOML).
pub fn json_schema() -> serde_json::Value {
    let schema = schemars::schema_for!(WorkflowFile);
    serde_json::to_value(schema).expect("a schema always serialises")
}
