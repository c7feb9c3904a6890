//! SVG charts drawn on the server with maud (no string-built markup, no
//! script). Each chart is an `<svg role="img">` named by a title and a
//! description; the page puts a table with the same figures next to it.

use maud::{Markup, html};

/// A number in Indonesian style: decimal comma.
pub(crate) fn number(x: f64, decimals: usize) -> String {
    format!("{x:.decimals$}").replace('.', ",")
}

/// A share (0–1) as a percentage.
pub(crate) fn percent(x: f64) -> String {
    format!("{}%", number(x * 100.0, 0))
}

/// Grouped vertical bars: `categories` along the bottom, one bar per series in each.
pub(crate) fn columns(id: &str, title: &str, categories: &[String], series: &[(&str, &str, Vec<u64>)]) -> Markup {
    let (width, height, left, bottom, top) = (720, 260, 40, 34, 14);
    let max = series.iter().flat_map(|(_, _, v)| v.iter().copied()).max().unwrap_or(0).max(1);
    let step = nice_step(max);
    let top_value = max.div_ceil(step) * step;
    let plot_h = height - bottom - top;
    let slot = (width - left - 10) / categories.len().max(1) as i32;
    let bar_w = ((slot - 8) / series.len().max(1) as i32).max(2);
    let y_of = |v: u64| top + plot_h - (v as f64 / top_value as f64 * plot_h as f64).round() as i32;
    let ticks: Vec<u64> = (0..=top_value / step).map(|i| i * step).collect();
    html! {
        svg xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (width) " " (height) } role="img"
            aria-labelledby={ (id) "-judul " (id) "-uraian" } {
            title id={ (id) "-judul" } { (title) }
            desc id={ (id) "-uraian" } {
                @for (name, _, values) in series {
                    (name) ": "
                    (categories.iter().zip(values).map(|(c, v)| format!("{c} {v}")).collect::<Vec<_>>().join(", "))
                    ". "
                }
            }
            @for t in &ticks {
                line.grid x1=(left) y1=(y_of(*t)) x2=(width - 10) y2=(y_of(*t)) {}
                text.small x=(left - 6) y=(y_of(*t) + 4) text-anchor="end" { (t) }
            }
            line.axis x1=(left) y1=(top + plot_h) x2=(width - 10) y2=(top + plot_h) {}
            @for (i, category) in categories.iter().enumerate() {
                @let x = left + slot * i as i32 + 4;
                @for (s, (_, class, values)) in series.iter().enumerate() {
                    @let v = values.get(i).copied().unwrap_or(0);
                    rect class=(class) x=(x + bar_w * s as i32) y=(y_of(v)) width=(bar_w - 1) height=((top + plot_h - y_of(v)).max(0)) {
                        title { (category) ": " (v) }
                    }
                }
                text.small x=(x + slot / 2 - 4) y=(height - bottom + 16) text-anchor="middle" { (category) }
            }
        }
    }
}

/// Horizontal bars: one row per item, the value written at the end of its bar.
pub(crate) fn bars(id: &str, title: &str, items: &[(String, f64, String)], max: Option<f64>) -> Markup {
    let (width, label_w, row) = (720, 280, 26);
    let height = row * items.len().max(1) as i32 + 10;
    let max = max.unwrap_or_else(|| items.iter().map(|(_, v, _)| *v).fold(0.0, f64::max)).max(f64::MIN_POSITIVE);
    let plot_w = f64::from(width - label_w - 70);
    html! {
        svg xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (width) " " (height) } role="img"
            aria-labelledby={ (id) "-judul " (id) "-uraian" } {
            title id={ (id) "-judul" } { (title) }
            desc id={ (id) "-uraian" } { (items.iter().map(|(l, _, s)| format!("{l}: {s}")).collect::<Vec<_>>().join("; ")) }
            @for (i, (label, value, shown)) in items.iter().enumerate() {
                @let y = 5 + row * i as i32;
                @let w = (value / max * plot_w).round().max(0.0) as i32;
                (label_lines(label, label_w - 8, y + 16))
                rect.bar x=(label_w) y=(y + 3) width=(w) height=(row - 8) { title { (label) ": " (shown) } }
                text.small x=(label_w + w + 6) y=(y + 16) { (shown) }
            }
        }
    }
}

/// A stage's row: its label, median, 90th percentile and standard, in hours.
pub(crate) type StageRow = (String, Option<f64>, Option<f64>, Option<f64>);

/// One row per stage: the median as a bar, the 90th percentile as a tick and the standard as a dashed line.
pub(crate) fn against_standard(id: &str, title: &str, rows: &[StageRow]) -> Markup {
    let (width, label_w, row) = (720, 280, 34);
    let height = row * rows.len().max(1) as i32 + 10;
    let max = rows.iter().flat_map(|(_, m, p, s)| [*m, *p, *s]).flatten().fold(0.0, f64::max).max(f64::MIN_POSITIVE);
    let plot_w = f64::from(width - label_w - 20);
    let x_of = |v: f64| label_w + (v / max * plot_w).round() as i32;
    html! {
        svg xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (width) " " (height) } role="img"
            aria-labelledby={ (id) "-judul " (id) "-uraian" } {
            title id={ (id) "-judul" } { (title) }
            desc id={ (id) "-uraian" } {
                @for (label, median, p90, standard) in rows {
                    (label) ": median " (median.map_or("-".to_owned(), |v| number(v, 2))) " jam, p90 "
                    (p90.map_or("-".to_owned(), |v| number(v, 2))) " jam, standar "
                    (standard.map_or("-".to_owned(), |v| number(v, 2))) " jam. "
                }
            }
            @for (i, (label, median, p90, standard)) in rows.iter().enumerate() {
                @let y = 5 + row * i as i32;
                (label_lines(label, label_w - 8, y + 20))
                @if let Some(m) = median {
                    rect class=(if standard.is_some_and(|s| *m > s) { "bar-late" } else { "bar-ok" })
                        x=(label_w) y=(y + 8) width=((x_of(*m) - label_w).max(1)) height=(row - 16) {
                        title { "median " (number(*m, 2)) " jam" }
                    }
                }
                @if let Some(p) = p90 {
                    rect.p90 x=(x_of(*p) - 1) y=(y + 4) width="3" height=(row - 8) { title { "p90 " (number(*p, 2)) " jam" } }
                }
                @if let Some(s) = standard {
                    line.standard x1=(x_of(*s)) y1=(y + 2) x2=(x_of(*s)) y2=(y + row - 2) { title { "standar " (number(*s, 2)) " jam" } }
                }
            }
        }
    }
}

/// A row's label, right-aligned at `x`: one line, or two when it is longer
/// than a line holds (broken at a space, the second clipped if it must be),
/// so long stage and question names are read whole rather than cut.
fn label_lines(label: &str, x: i32, y: i32) -> Markup {
    const LINE: usize = 44;
    if label.chars().count() <= LINE {
        return html! { text.small x=(x) y=(y) text-anchor="end" { (label) } };
    }
    let cut = label
        .char_indices()
        .filter(|(i, c)| *c == ' ' && label[..*i].chars().count() <= LINE)
        .map(|(i, _)| i)
        .next_back()
        .unwrap_or_else(|| label.char_indices().nth(LINE).map_or(label.len(), |(i, _)| i));
    let (first, second) = (label[..cut].trim_end(), label[cut..].trim_start());
    html! {
        text.small x=(x) y=(y - 6) text-anchor="end" {
            (first)
            tspan x=(x) dy="12" { (clip(second, LINE)) }
        }
    }
}

fn clip(text: &str, n: usize) -> String {
    if text.chars().count() <= n {
        text.to_owned()
    } else {
        format!("{}…", text.chars().take(n - 1).collect::<String>())
    }
}

fn nice_step(max: u64) -> u64 {
    let raw = (max as f64 / 5.0).max(1.0);
    let magnitude = 10f64.powi(raw.log10().floor() as i32);
    let step = [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * magnitude).find(|s| *s >= raw).unwrap_or(magnitude * 10.0);
    step as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_label_takes_two_lines_and_loses_nothing_a_short_one_one() {
        let long = "Keseluruhan (pengajuan lengkap sampai selesai dijawab)";
        let markup = label_lines(long, 272, 20).into_string();
        assert!(markup.contains("<tspan"), "{markup}");
        let pieces: Vec<&str> = markup.split('>').filter_map(|p| p.split('<').next()).collect();
        let text = pieces.join(" ");
        assert_eq!(text.split_whitespace().collect::<Vec<_>>(), long.split_whitespace().collect::<Vec<_>>());
        let short = label_lines("Verifikasi", 272, 20).into_string();
        assert!(!short.contains("<tspan") && short.contains(">Verifikasi<"), "{short}");
    }
}
