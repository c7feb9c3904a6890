//! The stage diagram as SVG, laid out vertically in the file's stage order:
//! one box per stage (shape by kind), adjacent steps joined by a straight
//! arrow, other moves carried by lanes beside the boxes (forward on the
//! right, backward dashed on the left), one lane per target stage. Drawn
//! with maud like every other piece of markup. A table of the moves beside
//! it is the text alternative.

use maud::{Markup, html};
use sigap_core::definition::{Definition, StageKind};

const WIDTH: i32 = 330;
const LANE: i32 = 14;
const GAP: i32 = 40;
const LINE: i32 = 15;

fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

struct Node {
    top: i32,
    height: i32,
    lines: Vec<String>,
    detail: Option<String>,
    kind: StageKind,
}

/// The diagram; `title` names it for assistive technology.
pub(crate) fn stages(definition: &Definition, title: &str) -> Markup {
    let file = definition.file();
    let stages = &file.stages;
    let index = |id: &str| stages.iter().position(|s| s.id == id);
    let mut edges: Vec<(usize, usize, String)> = Vec::new();
    for action in &file.actions {
        let Some(to) = index(&action.to) else { continue };
        for from in action.from.ids() {
            if let Some(from) = index(from) {
                edges.push((from, to, action.label.clone()));
            }
        }
    }
    let mut right: Vec<usize> = Vec::new();
    let mut left: Vec<usize> = Vec::new();
    for (from, to, _) in &edges {
        if *to > *from + 1 && !right.contains(to) {
            right.push(*to);
        } else if *to < *from && !left.contains(to) {
            left.push(*to);
        }
    }
    right.sort_unstable();
    left.sort_unstable();
    let x0 = 16 + LANE * left.len() as i32;
    let mut nodes = Vec::new();
    let mut y = 12;
    for stage in stages {
        let role = stage.role.as_deref().and_then(|r| definition.role(r)).map(|r| r.label.clone());
        let detail = match (role, stage.time_standard) {
            (Some(r), Some(t)) => Some(format!("{r} · {}", t.to_indonesian())),
            (Some(r), None) => Some(r),
            (None, Some(t)) => Some(t.to_indonesian()),
            (None, None) => None,
        };
        let lines = wrap(&stage.label, 44);
        let height = 14 + LINE * lines.len() as i32 + if detail.is_some() { LINE } else { 0 };
        nodes.push(Node { top: y, height, lines, detail, kind: stage.kind });
        y += height + GAP;
    }
    let total_height = y - GAP + 12;
    let total_width = x0 + WIDTH + 16 + LANE * right.len() as i32;
    let mid = |i: usize| nodes[i].top + nodes[i].height / 2;
    let cx = x0 + WIDTH / 2;
    html! {
        svg xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (total_width) " " (total_height) } width=(total_width) height=(total_height)
            role="img" aria-labelledby="diagram-judul diagram-uraian" {
            title #diagram-judul { (title) }
            desc #diagram-uraian { "Tahap-tahap prosedur dari atas ke bawah; panah menunjukkan tindakan yang memindahkan permohonan. Daftar perpindahan ada pada tabel di bawah diagram." }
            defs {
                marker #panah viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse" {
                    path.arrow d="M0,0 L10,5 L0,10 z" {}
                }
            }
            // Adjacent steps.
            @for (from, to, label) in edges.iter().filter(|(f, t, _)| *t == *f + 1) {
                g {
                    title { (label) }
                    line.edge x1=(cx) y1=(nodes[*from].top + nodes[*from].height) x2=(cx) y2=(nodes[*to].top - 2) marker-end="url(#panah)" {}
                    text.small x=(cx + 8) y=(nodes[*from].top + nodes[*from].height + GAP / 2 + 4) { (label) }
                }
            }
            // Forward lanes on the right, one per target.
            @for (lane, target) in right.iter().enumerate() {
                @let x = x0 + WIDTH + 12 + LANE * lane as i32;
                @let sources: Vec<&(usize, usize, String)> = edges.iter().filter(|(f, t, _)| t == target && *t > *f + 1).collect();
                @let top = sources.iter().map(|(f, _, _)| mid(*f)).min().unwrap_or(0);
                g {
                    title { (sources.iter().map(|(_, _, l)| l.as_str()).collect::<Vec<_>>().join("; ")) " → " (stages[*target].label) }
                    @for (from, _, _) in &sources {
                        line.edge x1=(x0 + WIDTH) y1=(mid(*from)) x2=(x) y2=(mid(*from)) {}
                    }
                    line.edge x1=(x) y1=(top) x2=(x) y2=(mid(*target)) {}
                    line.edge x1=(x) y1=(mid(*target)) x2=(x0 + WIDTH + 2) y2=(mid(*target)) marker-end="url(#panah)" {}
                }
            }
            // Backward lanes on the left, dashed.
            @for (lane, target) in left.iter().enumerate() {
                @let x = x0 - 12 - LANE * lane as i32;
                @let sources: Vec<&(usize, usize, String)> = edges.iter().filter(|(f, t, _)| t == target && *t < *f).collect();
                @let bottom = sources.iter().map(|(f, _, _)| mid(*f)).max().unwrap_or(0);
                g {
                    title { (sources.iter().map(|(_, _, l)| l.as_str()).collect::<Vec<_>>().join("; ")) " → " (stages[*target].label) }
                    @for (from, _, _) in &sources {
                        line.edge.back x1=(x0) y1=(mid(*from)) x2=(x) y2=(mid(*from)) {}
                    }
                    line.edge.back x1=(x) y1=(bottom) x2=(x) y2=(mid(*target)) {}
                    line.edge.back x1=(x) y1=(mid(*target)) x2=(x0 - 2) y2=(mid(*target)) marker-end="url(#panah)" {}
                }
            }
            @for (node, stage) in nodes.iter().zip(stages) {
                g {
                    @match node.kind {
                        StageKind::Applicant => rect.node.applicant x=(x0) y=(node.top) width=(WIDTH) height=(node.height) rx="18" {},
                        StageKind::Task => rect.node x=(x0) y=(node.top) width=(WIDTH) height=(node.height) {},
                        StageKind::Waiting => polygon.node.waiting points=(hexagon(x0, node.top, node.height)) {},
                        StageKind::Terminal => rect.node.terminal x=(x0) y=(node.top) width=(WIDTH) height=(node.height) rx=(node.height / 2) {},
                    }
                    @for (i, line) in node.lines.iter().enumerate() {
                        text x=(cx) y=(node.top + 4 + LINE * (i as i32 + 1)) text-anchor="middle" font-size="13" font-weight="600" { (line) }
                    }
                    @if let Some(detail) = &node.detail {
                        text.small x=(cx) y=(node.top + 4 + LINE * (node.lines.len() as i32 + 1)) text-anchor="middle" { (detail) }
                    }
                    title { (stage.label) }
                }
            }
        }
    }
}

fn hexagon(x: i32, y: i32, h: i32) -> String {
    let d = 14;
    format!(
        "{},{} {},{} {},{} {},{} {},{} {},{}",
        x + d,
        y,
        x + WIDTH - d,
        y,
        x + WIDTH,
        y + h / 2,
        x + WIDTH - d,
        y + h,
        x + d,
        y + h,
        x,
        y + h / 2
    )
}
