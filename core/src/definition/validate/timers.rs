//! Checks of stage timers (`[[stages.timers]]`) and of the actions only
//! timers perform.

use chrono::NaiveDate;

use super::Checker;
use crate::definition::model::{ActionKind, NotifyOn, RoleKind, StageKind};
use crate::definition::timer::Anchor;
use crate::definition::{Definition, FieldKind, SYSTEM_ROLE};
use crate::diag::{KeyPath, did_you_mean, one_of};
use crate::form::{self, Input};

fn suggest<'c>(word: &str, candidates: impl IntoIterator<Item = &'c str>) -> String {
    did_you_mean(word, candidates).map(|s| format!("did you mean `{s}`? ")).unwrap_or_default()
}

impl Checker<'_, '_> {
    pub(super) fn timers(&mut self) {
        let file = self.file;
        let mut ids = Vec::new();
        for (i, stage) in file.stages.iter().enumerate() {
            for (j, timer) in stage.timers.iter().enumerate() {
                let path = KeyPath::root().key("stages").index(i).key("timers").index(j);
                self.id(path.key("id"), &timer.id, "timer");
                ids.push((path.key("id"), timer.id.as_str()));
                if matches!(stage.kind, StageKind::Terminal | StageKind::Applicant) {
                    let (what, why) = if stage.kind == StageKind::Terminal {
                        ("the terminal stage", "a closed case waits for nothing")
                    } else {
                        ("the applicant step", "no case exists yet while the applicant fills in the form")
                    };
                    self.error(
                        "misplaced-timer",
                        path.clone(),
                        format!("the timer `{}` is on {what} `{}`", timer.id, stage.id),
                        format!("{why}: put timers on task or waiting stages, or remove it"),
                    );
                    continue;
                }
                self.timer_anchor(&path, i, j);
                self.timer_offsets(&path, i, j);
                self.timer_effect(&path, i, j);
            }
        }
        self.unique(ids.into_iter(), "timer");
        self.timer_cycles();
        self.system_actions();
    }

    fn timer_anchor(&mut self, path: &KeyPath, i: usize, j: usize) {
        let file = self.file;
        let stage = &file.stages[i];
        let timer = &stage.timers[j];
        let dates: Vec<String> =
            file.form.fields.iter().filter(|f| f.kind == FieldKind::Date).map(|f| format!("form.{}", f.id)).collect();
        let mut anchors = vec!["entered", "at_risk", "breached"];
        anchors.extend(dates.iter().map(String::as_str));
        match Anchor::parse(timer.from.as_deref()) {
            None => {
                let from = timer.from.as_deref().unwrap_or_default();
                self.error(
                    "unknown-anchor",
                    path.key("from"),
                    format!("a timer cannot count from `{from}`"),
                    format!("{}use one of {}", suggest(from, anchors.iter().copied()), one_of(anchors.iter().copied())),
                );
            }
            Some(Anchor::AtRisk | Anchor::Breached) if stage.time_standard.is_none() => {
                let from = timer.from.as_deref().unwrap_or_default();
                self.error(
                    "anchor-needs-time-standard",
                    path.key("from"),
                    format!(
                        "the timer `{}` counts from `{from}`, but the stage `{}` has no time standard",
                        timer.id, stage.id
                    ),
                    if stage.kind == StageKind::Waiting {
                        "a waiting stage has no clock: count from `entered`".to_owned()
                    } else {
                        "give the stage a `time_standard`, or count from `entered`".to_owned()
                    },
                );
            }
            Some(Anchor::FormDate(field)) => match file.form.fields.iter().find(|f| f.id == field) {
                None => self.error(
                    "unknown-field",
                    path.key("from"),
                    format!("the form has no field `{field}`"),
                    format!(
                        "{}a timer counts from a `date` field of the form: {}",
                        suggest(&format!("form.{field}"), dates.iter().map(String::as_str)),
                        one_of(dates.iter().map(String::as_str))
                    ),
                ),
                Some(f) if f.kind != FieldKind::Date => self.error(
                    "bad-anchor-field",
                    path.key("from"),
                    format!("the field `{field}` is a `{}` field, not a date", f.kind.as_str()),
                    "count from a field with `type = \"date\"`".to_owned(),
                ),
                Some(_) => {}
            },
            Some(_) => {}
        }
    }

    fn timer_offsets(&mut self, path: &KeyPath, i: usize, j: usize) {
        let timer = &self.file.stages[i].timers[j];
        let anchor = Anchor::parse(timer.from.as_deref());
        let form_date = matches!(anchor, Some(Anchor::FormDate(_)));
        match (&timer.after, &timer.before) {
            (Some(_), Some(_)) => self.error(
                "two-offsets",
                path.key("before"),
                format!("the timer `{}` has both `after` and `before`", timer.id),
                "keep one: `after` counts forward from the anchor, `before` back from a form date".to_owned(),
            ),
            (None, Some(_)) if !form_date => self.found.push(self.doc.key_error(
                "misplaced-key",
                path.key("before"),
                format!("`before` on the timer `{}`, which does not count from a form date", timer.id),
                "use `after = \"…\"`; `before` only applies with `from = \"form.<date field>\"`".to_owned(),
            )),
            (None, None) if matches!(anchor, Some(Anchor::Entered | Anchor::FormDate(_))) => self.error(
                "timer-needs-offset",
                path.clone(),
                format!("the timer `{}` does not say when it falls due", timer.id),
                "add `after = \"…\"`, e.g. `after = \"5wd\"` (working days) or `after = \"14cd\"` (calendar days)"
                    .to_owned(),
            ),
            _ => {}
        }
        for (key, offset) in [("after", timer.after), ("before", timer.before)] {
            let Some(offset) = offset else { continue };
            if offset.is_zero() {
                self.error(
                    "zero-offset",
                    path.key(key),
                    format!("the timer `{}` falls due after no time at all", timer.id),
                    "give a positive amount; to act at the clock's own at-risk or due instant, use `from = \"at_risk\"` or `\"breached\"` without an offset".to_owned(),
                );
            }
            if key == "before" && offset.is_working_days() {
                self.error(
                    "backward-working-days",
                    path.key(key),
                    format!("`before = \"{offset}\"` counts working days backwards, which has no single meaning"),
                    "count back in working hours (e.g. `7h`) or calendar days (e.g. `1cd`)".to_owned(),
                );
            }
        }
    }

    fn timer_effect(&mut self, path: &KeyPath, i: usize, j: usize) {
        let file = self.file;
        let stage = &file.stages[i];
        let timer = &stage.timers[j];
        if timer.action.is_some() && timer.escalate.is_some() {
            self.error(
                "two-effects",
                path.key("escalate"),
                format!("the timer `{}` both performs an action and escalates", timer.id),
                "a timer has one effect: split it into two timers".to_owned(),
            );
        }
        if !timer.inputs.is_empty() && timer.action.is_none() {
            self.found.push(self.doc.key_error(
                "misplaced-key",
                path.key("inputs"),
                format!("`inputs` on the timer `{}`, which performs no action", timer.id),
                "remove `inputs`, or add `action = \"…\"`".to_owned(),
            ));
        }
        if let Some(role) = &timer.escalate {
            self.role_ref(path.key("escalate"), role, Some(RoleKind::Staff));
            if stage.kind != StageKind::Task {
                self.error(
                    "misplaced-escalation",
                    path.key("escalate"),
                    format!("the timer `{}` escalates the waiting stage `{}`", timer.id, stage.id),
                    "nobody holds a case that waits on the applicant: notify someone instead (a reminder timer), or act".to_owned(),
                );
            } else if stage.role.as_deref() == Some(role.as_str()) {
                self.error(
                    "escalates-to-itself",
                    path.key("escalate"),
                    format!("the timer `{}` escalates to `{role}`, the stage's own role", timer.id),
                    "escalate to another staff role, e.g. the stage's supervisor".to_owned(),
                );
            }
        }
        if let Some(id) = &timer.action {
            self.timer_action(path, i, j, id);
        }
        if timer.action.is_none() && timer.escalate.is_none() {
            let notified = file
                .notifications
                .iter()
                .any(|n| n.on == NotifyOn::Timer && n.timer.as_deref().is_none_or(|t| t == timer.id));
            if !notified {
                self.error(
                    "timer-does-nothing",
                    path.clone(),
                    format!("the timer `{}` has no effect", timer.id),
                    format!(
                        "add `action = \"…\"` or `escalate = \"…\"`, or make it a reminder: a [[notifications]] entry with `on = \"timer\"` and `timer = \"{}\"`",
                        timer.id
                    ),
                );
            }
        }
    }

    fn timer_action(&mut self, path: &KeyPath, i: usize, j: usize, id: &str) {
        let file = self.file;
        let stage = &file.stages[i];
        let timer = &stage.timers[j];
        let here: Vec<&str> =
            file.actions.iter().filter(|a| a.from.contains(&stage.id)).map(|a| a.id.as_str()).collect();
        let Some(action) = file.actions.iter().find(|a| a.id == id) else {
            let names: Vec<&str> = file.actions.iter().map(|a| a.id.as_str()).collect();
            self.error(
                "unknown-action",
                path.key("action"),
                format!("there is no action `{id}`"),
                format!(
                    "{}use an action that leaves `{}`: {}",
                    suggest(id, names.iter().copied()),
                    stage.id,
                    one_of(here)
                ),
            );
            return;
        };
        if !action.from.contains(&stage.id) {
            self.error(
                "action-not-here",
                path.key("action"),
                format!("the action `{id}` does not leave the stage `{}`", stage.id),
                format!(
                    "{}use an action that leaves `{}`: {}, or add `{}` to the action's `from`",
                    suggest(id, here.iter().copied()),
                    stage.id,
                    one_of(here.iter().copied()),
                    stage.id
                ),
            );
        }
        if matches!(action.kind, ActionKind::Submit | ActionKind::Amend | ActionKind::Answer) {
            let what = match action.kind {
                ActionKind::Submit => "creates a case",
                ActionKind::Amend => "carries the applicant's corrected form",
                _ => "delivers an answer document",
            };
            self.error(
                "bad-timer-action",
                path.key("action"),
                format!("the timer `{}` performs `{id}`, which {what}", timer.id),
                "a timer can only move the case: name an action with `kind = \"move\"`".to_owned(),
            );
            return;
        }
        let names: Vec<&str> = action.inputs.iter().map(|f| f.id.as_str()).collect();
        for (input, value) in &timer.inputs {
            let input_path = path.key("inputs").key(input.as_str());
            let Some(field) = action.inputs.iter().find(|f| &f.id == input) else {
                self.found.push(self.doc.key_error(
                    "unknown-input",
                    input_path,
                    format!("the action `{id}` has no input `{input}`"),
                    format!(
                        "{}its inputs are {}",
                        suggest(input, names.iter().copied()),
                        one_of(names.iter().copied())
                    ),
                ));
                continue;
            };
            if field.kind == FieldKind::File {
                self.error(
                    "timer-file-input",
                    input_path,
                    format!("the input `{input}` of `{id}` is a file, which a timer cannot give"),
                    "make the input optional for this action, or use another action".to_owned(),
                );
                continue;
            }
            let today = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default();
            if let Err(errors) = form::validate_field(field, &file.products, Some(&Input::Text(value.clone())), today) {
                let message = errors.iter().map(|e| e.message_en.as_str()).collect::<Vec<_>>().join("; ");
                self.error(
                    "bad-timer-input",
                    input_path,
                    format!("`{value}` is not a valid `{input}` for `{id}`: {message}"),
                    "give a value the action's input accepts".to_owned(),
                );
            }
        }
        let missing: Vec<&str> = action
            .inputs
            .iter()
            .filter(|f| f.required && !timer.inputs.contains_key(&f.id))
            .map(|f| f.id.as_str())
            .collect();
        if !missing.is_empty() {
            let example = missing.iter().map(|m| format!("{m} = \"…\"")).collect::<Vec<_>>().join(", ");
            self.error(
                "timer-missing-input",
                path.clone(),
                format!("the timer `{}` performs `{id}` without its required input {}", timer.id, one_of(missing)),
                format!("give constant inputs: `inputs = {{ {example} }}`"),
            );
        }
    }

    /// A cycle of interrupting timers could move a case forever with no human step.
    fn timer_cycles(&mut self) {
        let file = self.file;
        let n = file.stages.len();
        // edges[s] = (timer index, target stage) for interrupting timers of s.
        let edges: Vec<Vec<(usize, usize)>> = file
            .stages
            .iter()
            .map(|stage| {
                stage
                    .timers
                    .iter()
                    .enumerate()
                    .filter_map(|(j, t)| {
                        let action = file.actions.iter().find(|a| Some(&a.id) == t.action.as_ref())?;
                        action.from.contains(&stage.id).then_some(())?;
                        let to = file.stages.iter().position(|s| s.id == action.to)?;
                        Some((j, to))
                    })
                    .collect()
            })
            .collect();
        // Iterative DFS with colours; report each cycle once, at the edge closing it.
        let mut colour = vec![0u8; n];
        for root in 0..n {
            if colour[root] != 0 {
                continue;
            }
            let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
            colour[root] = 1;
            while let Some(&mut (s, ref mut next)) = stack.last_mut() {
                if let Some(&(j, to)) = edges[s].get(*next) {
                    *next += 1;
                    match colour[to] {
                        0 => {
                            colour[to] = 1;
                            stack.push((to, 0));
                        }
                        1 => {
                            let start = stack.iter().position(|(x, _)| *x == to).unwrap_or(0);
                            let mut names: Vec<&str> =
                                stack[start..].iter().map(|(x, _)| file.stages[*x].id.as_str()).collect();
                            names.push(file.stages[to].id.as_str());
                            let timer = &file.stages[s].timers[j];
                            self.error(
                                "timer-cycle",
                                KeyPath::root().key("stages").index(s).key("timers").index(j).key("action"),
                                format!(
                                    "timers alone could move a case around {} forever, with no human step",
                                    names.join(" → ")
                                ),
                                format!(
                                    "let a person act somewhere on the way: remove the timer `{}` or make it a reminder",
                                    timer.id
                                ),
                            );
                        }
                        _ => {}
                    }
                } else {
                    colour[s] = 2;
                    stack.pop();
                }
            }
        }
    }

    /// `by = ["system"]` actions need a timer; `system` is not a role name.
    fn system_actions(&mut self) {
        let file = self.file;
        for (i, role) in file.roles.iter().enumerate() {
            if role.id == SYSTEM_ROLE {
                self.error(
                    "reserved-role",
                    KeyPath::root().key("roles").index(i).key("id"),
                    "`system` is reserved for the actions stage timers perform".to_owned(),
                    "give the role another id, e.g. `sistem_informasi`".to_owned(),
                );
            }
        }
        for (i, action) in file.actions.iter().enumerate() {
            if !Definition::is_system_action(action) {
                continue;
            }
            let named = file.stages.iter().flat_map(|s| &s.timers).any(|t| t.action.as_deref() == Some(&action.id));
            if !named {
                self.error(
                    "action-by-nobody",
                    KeyPath::root().key("actions").index(i).key("by"),
                    format!("only the system performs `{}`, but no timer names it", action.id),
                    format!(
                        "add a timer with `action = \"{}\"` to a stage it leaves, or let a role perform it",
                        action.id
                    ),
                );
            }
        }
    }
}
