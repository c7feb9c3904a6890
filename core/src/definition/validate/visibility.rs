//! Checks of the rules that decide who reaches a case and reads or adds
//! what: `[visibility.inputs]`, `[visibility.reach]`, `[visibility.history]`,
//! `[visibility.notes]` and `[visibility.attachments]`.

use super::Checker;
use crate::definition::model::{AddRule, Reach, RoleKind};
use crate::diag::{KeyPath, did_you_mean, one_of};
use crate::engine::EventKind;

/// The warning's code (a warning, so it has no failing fixture).
const PERFORMER_CANNOT_READ: &str = "performer-cannot-read";

fn suggest<'c>(word: &str, candidates: impl IntoIterator<Item = &'c str>) -> String {
    did_you_mean(word, candidates).map(|s| format!("did you mean `{s}`? ")).unwrap_or_default()
}

impl Checker<'_, '_> {
    pub(super) fn visibility_rules(&mut self) {
        let file = self.file;
        let path = KeyPath::root().key("visibility");
        for (key, roles) in &file.visibility.inputs {
            let key_path = path.key("inputs").key(key.as_str());
            self.input_ref(&key_path, key);
            for (j, role) in roles.iter().enumerate() {
                self.role_ref(key_path.index(j), role, Some(RoleKind::Staff));
            }
        }
        for (role, reach) in &file.visibility.reach {
            let role_path = path.key("reach").key(role.as_str());
            self.role_ref(role_path.clone(), role, Some(RoleKind::Staff));
            if let Reach::Stages(stages) = reach {
                if stages.is_empty() {
                    self.error(
                        "empty-reach",
                        role_path.clone(),
                        format!("the role `{role}` reaches no stage"),
                        "name the stages at which it may open a case, or write `\"own_stages\"`".to_owned(),
                    );
                }
                for (j, stage) in stages.iter().enumerate() {
                    self.stage_ref(role_path.index(j), stage);
                }
            }
        }
        for (role, kinds) in &file.visibility.history {
            let role_path = path.key("history").key(role.as_str());
            self.role_ref(role_path.clone(), role, Some(RoleKind::Staff));
            for (j, kind) in kinds.iter().enumerate() {
                if !EventKind::NAMES.contains(&kind.as_str()) {
                    self.error(
                        "unknown-event-kind",
                        role_path.index(j),
                        format!("`{kind}` is not a kind of history entry"),
                        format!("{}use one of {}", suggest(kind, EventKind::NAMES), one_of(EventKind::NAMES)),
                    );
                }
            }
        }
        for (key, rule) in [("notes", &file.visibility.notes), ("attachments", &file.visibility.attachments)] {
            if let Some(rule) = rule {
                self.add_rule(&path.key(key), rule);
            }
        }
        self.performers_read_their_inputs();
    }

    /// `"<action>.<input>"` names an input of an action.
    fn input_ref(&mut self, path: &KeyPath, key: &str) {
        let file = self.file;
        let Some((action_id, input)) = key.split_once('.') else {
            self.found.push(self.doc.key_error(
                "unknown-input",
                path.clone(),
                format!("`{key}` does not name an action's input"),
                "write `\"<action>.<input>\"`, e.g. `\"minta_kelengkapan.catatan\"`".to_owned(),
            ));
            return;
        };
        let Some(action) = file.actions.iter().find(|a| a.id == action_id) else {
            let names: Vec<&str> = file.actions.iter().map(|a| a.id.as_str()).collect();
            self.found.push(self.doc.key_error(
                "unknown-action",
                path.clone(),
                format!("there is no action `{action_id}`"),
                format!("{}use one of {}", suggest(action_id, names.iter().copied()), one_of(names)),
            ));
            return;
        };
        if !action.inputs.iter().any(|f| f.id == input) {
            let names: Vec<&str> = action.inputs.iter().map(|f| f.id.as_str()).collect();
            self.found.push(self.doc.key_error(
                "unknown-input",
                path.clone(),
                format!("the action `{action_id}` has no input `{input}`"),
                format!("{}its inputs are {}", suggest(input, names.iter().copied()), one_of(names)),
            ));
        }
    }

    fn add_rule(&mut self, path: &KeyPath, rule: &AddRule) {
        for (j, role) in rule.by.iter().enumerate() {
            self.role_ref(path.key("by").index(j), role, Some(RoleKind::Staff));
        }
        for (j, stage) in rule.stages.iter().enumerate() {
            self.stage_ref(path.key("stages").index(j), stage);
        }
    }

    /// A warning: a role that performs an action may not read that action's
    /// inputs, which it writes.
    fn performers_read_their_inputs(&mut self) {
        let file = self.file;
        for (key, readers) in &file.visibility.inputs {
            let Some((action_id, _)) = key.split_once('.') else { continue };
            let Some(action) = file.actions.iter().find(|a| a.id == action_id) else { continue };
            let performers: Vec<&str> = if action.by.is_empty() {
                action
                    .from
                    .ids()
                    .iter()
                    .filter_map(|s| file.stages.iter().find(|st| st.id == *s)?.role.as_deref())
                    .collect()
            } else {
                action.by.iter().map(String::as_str).filter(|r| *r != crate::definition::SYSTEM_ROLE).collect()
            };
            let staff: Vec<&str> =
                performers.into_iter().filter(|r| self.roles.get(r) == Some(&RoleKind::Staff)).collect();
            for role in staff.into_iter().filter(|r| !readers.iter().any(|x| x == r)) {
                self.warnings.push(self.doc.error(
                    PERFORMER_CANNOT_READ,
                    KeyPath::root().key("visibility").key("inputs").key(key.as_str()),
                    format!("`{role}` performs `{action_id}` but may not read `{key}`, which it writes"),
                    format!("add `{role}` to the readers of `{key}`, unless it should not see what it wrote"),
                ));
            }
        }
    }
}
