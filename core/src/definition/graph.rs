//! The stage diagram as Mermaid and as Graphviz DOT.
//!
//! Shapes tell stage kinds apart: applicant steps are rounded (stadium),
//! staff tasks boxes, waiting stages hexagons and terminal stages circles.
//! Each node shows the performing role and the time standard; each edge the
//! action's label. A stage timer that moves the case is a dashed edge
//! labelled with its rule (an action only timers perform has no solid edge).

use super::{Definition, Stage, StageKind};

fn node_text(definition: &Definition, stage: &Stage) -> (String, Option<String>) {
    let role = stage.role.as_deref().and_then(|r| definition.role(r)).map(|r| r.label.clone());
    let detail = match (role, stage.time_standard) {
        (Some(role), Some(time)) => Some(format!("{role} · {}", time.to_indonesian())),
        (Some(role), None) => Some(role),
        (None, Some(time)) => Some(time.to_indonesian()),
        (None, None) => None,
    };
    (stage.label.clone(), detail)
}

/// The diagram in Mermaid's `flowchart` syntax.
pub fn mermaid(definition: &Definition) -> String {
    let stages = &definition.file().stages;
    let id = |stage: &str| stages.iter().position(|s| s.id == stage).map(|i| format!("s{i}"));
    let esc = |text: &str| text.replace('"', "#quot;").replace(['\n', '\r'], " ");
    let mut out = String::from("flowchart TD\n");
    for (i, stage) in stages.iter().enumerate() {
        let (label, detail) = node_text(definition, stage);
        let text = match detail {
            Some(detail) => format!("{}<br/><small>{}</small>", esc(&label), esc(&detail)),
            None => esc(&label),
        };
        let (open, close) = match stage.kind {
            StageKind::Applicant => ("([\"", "\"])"),
            StageKind::Task => ("[\"", "\"]"),
            StageKind::Waiting => ("{{\"", "\"}}"),
            StageKind::Terminal => ("((\"", "\"))"),
        };
        out.push_str(&format!("    s{i}{open}{text}{close}\n"));
    }
    for action in definition.file().actions.iter().filter(|a| !Definition::is_system_action(a)) {
        let Some(to) = id(&action.to) else { continue };
        for from in action.from.ids() {
            if let Some(from) = id(from) {
                out.push_str(&format!("    {from} -->|\"{}\"| {to}\n", esc(&action.label)));
            }
        }
    }
    for (from, to, rule) in timer_edges(definition) {
        out.push_str(&format!("    s{from} -. \"⏱ {}\" .-> s{to}\n", esc(&rule)));
    }
    out
}

/// The timers that move a case: (from stage index, to stage index, the rule in words).
fn timer_edges(definition: &Definition) -> Vec<(usize, usize, String)> {
    let stages = &definition.file().stages;
    let index = |id: &str| stages.iter().position(|s| s.id == id);
    stages
        .iter()
        .enumerate()
        .flat_map(|(i, stage)| {
            stage.timers.iter().filter_map(move |t| {
                let action = definition.action(t.action.as_deref()?)?;
                Some((i, index(&action.to)?, t.describe(definition)))
            })
        })
        .collect()
}

/// The diagram in Graphviz DOT.
pub fn dot(definition: &Definition) -> String {
    let stages = &definition.file().stages;
    let esc = |text: &str| text.replace('\\', "\\\\").replace('"', "\\\"").replace(['\n', '\r'], " ");
    let mut out = format!(
        "digraph \"{}\" {{\n    rankdir=TB;\n    node [fontname=\"Helvetica\", fontsize=11];\n    edge [fontname=\"Helvetica\", fontsize=9];\n",
        esc(definition.id())
    );
    for (i, stage) in stages.iter().enumerate() {
        let (label, detail) = node_text(definition, stage);
        let text = match detail {
            Some(detail) => format!("{}\\n{}", esc(&label), esc(&detail)),
            None => esc(&label),
        };
        let shape = match stage.kind {
            StageKind::Applicant => "shape=box, style=rounded",
            StageKind::Task => "shape=box",
            StageKind::Waiting => "shape=hexagon",
            StageKind::Terminal => "shape=doublecircle",
        };
        out.push_str(&format!("    s{i} [label=\"{text}\", {shape}];\n"));
    }
    for action in definition.file().actions.iter().filter(|a| !Definition::is_system_action(a)) {
        let Some(to) = stages.iter().position(|s| s.id == action.to) else {
            continue;
        };
        for from in action.from.ids() {
            if let Some(from) = stages.iter().position(|s| s.id == from) {
                out.push_str(&format!("    s{from} -> s{to} [label=\"{}\"];\n", esc(&action.label)));
            }
        }
    }
    for (from, to, rule) in timer_edges(definition) {
        out.push_str(&format!("    s{from} -> s{to} [label=\"⏱ {}\", style=dashed];\n", esc(&rule)));
    }
    out.push_str("}\n");
    out
}
