//! `target/bench-report.md`: every figure of one run, with its machine, and
//! the goals of issue 8 beside them (met / missed, by how much).

use std::fmt::Write as _;
use std::path::Path;

use serde_json::Value;

/// One criterion benchmark: its id and mean time in nanoseconds.
fn criterion_results(dir: &Path) -> Vec<(String, f64)> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(path) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&path) else { continue };
        for entry in entries.flatten() {
            let p = entry.path();
            if p.is_dir() && p.file_name().is_some_and(|n| n != "report" && n != "base" && n != "change") {
                stack.push(p);
            } else if p.ends_with("new/benchmark.json") {
                let read =
                    |f: &Path| std::fs::read_to_string(f).ok().and_then(|t| serde_json::from_str::<Value>(&t).ok());
                let (Some(bench), Some(est)) = (read(&p), read(&p.with_file_name("estimates.json"))) else { continue };
                if let (Some(id), Some(mean)) = (bench["full_id"].as_str(), est["mean"]["point_estimate"].as_f64()) {
                    found.push((id.to_owned(), mean));
                }
            }
        }
    }
    found.sort_by(|a, b| a.0.cmp(&b.0));
    found
}

fn results(dir: &Path) -> Vec<Value> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|d| d.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "json")).collect())
        .unwrap_or_default();
    files.sort();
    files.iter().filter_map(|p| std::fs::read_to_string(p).ok().and_then(|t| serde_json::from_str(&t).ok())).collect()
}

fn of_kind<'a>(all: &'a [Value], kind: &str) -> Vec<&'a Value> {
    all.iter().filter(|v| v["kind"] == kind).collect()
}

fn fmt_rate(x: f64) -> String {
    let s = format!("{:.0}", x);
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn verdict(met: bool) -> &'static str {
    if met { "**met**" } else { "**missed**" }
}

/// A goal row: (goal, measured, verdict).
struct Goal(String, String, String);

/// Writes the report.
pub(crate) fn write(dir: &Path, criterion: &Path, out: &Path) -> anyhow::Result<()> {
    let all = results(dir);
    let mut md = String::new();
    let mut goals: Vec<Goal> = Vec::new();
    writeln!(md, "# Sigap benchmark report\n")?;
    if let Some(machine) = all.iter().find_map(|v| v.get("machine")) {
        writeln!(
            md,
            "Machine: {} × {} ({} GiB, kernel {}); first result at {}, one-minute load then {}. Client and server on \
             the same machine.\n",
            machine["cores"],
            machine["cpu"].as_str().unwrap_or("?"),
            machine["memory_gib"],
            machine["kernel"].as_str().unwrap_or("?"),
            machine["at"].as_str().unwrap_or("?"),
            machine["load_average"]
        )?;
    }

    let benches = criterion_results(criterion);
    if !benches.is_empty() {
        writeln!(md, "## Pure code (criterion, one core, mean)\n\n| benchmark | ns/op | ops/s |\n|---|---:|---:|")?;
        for (id, ns) in &benches {
            writeln!(md, "| {id} | {ns:.0} | {} |", fmt_rate(1e9 / ns))?;
        }
        writeln!(md)?;
        let worst = |prefix: &str| {
            benches.iter().filter(|(id, _)| id.starts_with(prefix) && id.contains("year")).map(|b| b.1).reduce(f64::max)
        };
        for (what, prefix) in [("calendar `add`", "calendar/add"), ("calendar `between`", "calendar/between")] {
            if let Some(ns) = worst(prefix) {
                goals.push(Goal(
                    format!("{what} ≥ 1 M ops/s, spans ≤ 1 year"),
                    format!("slowest year-span case {ns:.0} ns = {} ops/s", fmt_rate(1e9 / ns)),
                    verdict(ns <= 1000.0).to_owned(),
                ));
            }
        }
        if let Some((_, ns)) = benches.iter().find(|(id, _)| id.starts_with("engine/decide+fold one transition")) {
            goals.push(Goal(
                "engine decide + fold ≥ 1 M transitions/s".to_owned(),
                format!("{ns:.0} ns = {} /s", fmt_rate(1e9 / ns)),
                format!("{} ({:.1}× short)", verdict(*ns <= 1000.0), ns / 1000.0),
            ));
        }
    }

    for sled in of_kind(&all, "sled") {
        writeln!(
            md,
            "## sled: durable transitions beside raw sled ({} ops per writer)\n\n| writers | raw insert+flush /s | \
             raw insert+flush+fdatasync /s | SledStore appends /s | appends per flush | ÷ raw same durability | ÷ \
             raw flush |\n|---:|---:|---:|---:|---:|---:|---:|",
            sled["ops_per_writer"]
        )?;
        for r in sled["rows"].as_array().into_iter().flatten() {
            writeln!(
                md,
                "| {} | {} | {} | {} | {} | {} | {} |",
                r["writers"],
                fmt_rate(r["raw_insert_flush_per_s"].as_f64().unwrap_or(0.0)),
                fmt_rate(r["raw_insert_flush_fdatasync_per_s"].as_f64().unwrap_or(0.0)),
                fmt_rate(r["store_appends_per_s"].as_f64().unwrap_or(0.0)),
                r["appends_per_flush"],
                r["ratio_to_raw_same_durability"],
                r["ratio_to_raw_flush"]
            )?;
        }
        let gc = sled["group_commit_factor"].as_f64().unwrap_or(0.0);
        writeln!(md, "\nGroup commit: 32 writers = {gc}× one writer.\n")?;
        for r in sled["rows"].as_array().into_iter().flatten() {
            let ratio = r["ratio_to_raw_same_durability"].as_f64().unwrap_or(0.0);
            goals.push(Goal(
                format!("sled ≥ 0.8 × raw insert+flush, same durability ({} writers)", r["writers"]),
                format!("{ratio:.2}×"),
                verdict(ratio >= 0.8).to_owned(),
            ));
        }
        goals.push(Goal(
            "sled group commit ≥ 10 × serial at 32 writers".to_owned(),
            format!("{gc}×"),
            verdict(gc >= 10.0).to_owned(),
        ));
    }

    for pg in of_kind(&all, "postgres") {
        writeln!(
            md,
            "## PostgreSQL: durable transitions beside pgbench ({} s each, scale {})\n\nServer: {}\n\n| clients | \
             pgbench TPC-B-like tps | pgbench -N tps | Sigap transitions/s | ÷ -N | ÷ TPC-B |\n|---:|---:|---:|---:|---:|---:|",
            pg["seconds"],
            pg["pgbench_scale"],
            pg["server"].as_str().unwrap_or("?")
        )?;
        for r in pg["rows"].as_array().into_iter().flatten() {
            writeln!(
                md,
                "| {} | {} | {} | {} | {} | {} |",
                r["clients"],
                fmt_rate(r["pgbench_tpcb_tps"].as_f64().unwrap_or(0.0)),
                fmt_rate(r["pgbench_simple_update_tps"].as_f64().unwrap_or(0.0)),
                fmt_rate(r["sigap_transitions_per_s"].as_f64().unwrap_or(0.0)),
                r["ratio_to_simple_update"],
                r["ratio_to_tpcb"]
            )?;
            if r["clients"] == 32 {
                let ratio = r["ratio_to_simple_update"].as_f64().unwrap_or(0.0);
                goals.push(Goal(
                    "PostgreSQL at 32 clients ≥ 0.5 × pgbench -N".to_owned(),
                    format!("{ratio:.2}×"),
                    verdict(ratio >= 0.5).to_owned(),
                ));
            }
        }
        writeln!(md, "\nBatched path: {}.\n", pg["batched_path"].as_str().unwrap_or("-"))?;
    }

    let queries = of_kind(&all, "queries");
    if !queries.is_empty() {
        writeln!(
            md,
            "## Deadline scan and inbox queries over open cases ({} runs each)\n\n| store | open cases | query | found \
             | p50 ms | p99 ms | max ms |\n|---|---:|---|---:|---:|---:|---:|",
            queries[0]["repeat"]
        )?;
        for q in &queries {
            for r in q["rows"].as_array().into_iter().flatten() {
                let l = &r["latency"];
                writeln!(
                    md,
                    "| {} | {} | {} | {} | {} | {} | {} |",
                    q["store"].as_str().unwrap_or("?"),
                    fmt_rate(q["open_cases"].as_f64().unwrap_or(0.0)),
                    r["query"].as_str().unwrap_or("?"),
                    r["found"],
                    l["p50_ms"],
                    l["p99_ms"],
                    l["max_ms"]
                )?;
                if q["open_cases"].as_u64() == Some(1_000_000)
                    && r["query"].as_str().is_some_and(|s| s.starts_with("due"))
                {
                    let max = l["max_ms"].as_f64().unwrap_or(f64::MAX);
                    goals.push(Goal(
                        format!(
                            "deadline scan over 1 M open cases ≤ 1 s ({}, {})",
                            q["store"].as_str().unwrap_or("?"),
                            r["query"].as_str().unwrap_or("?")
                        ),
                        format!("max {max} ms"),
                        verdict(max <= 1000.0).to_owned(),
                    ));
                }
            }
        }
        writeln!(md, "\nPopulating (submissions through the service, 256 at a time):")?;
        for q in &queries {
            writeln!(
                md,
                "- {} {} cases: {} s",
                q["store"].as_str().unwrap_or("?"),
                fmt_rate(q["open_cases"].as_f64().unwrap_or(0.0)),
                q["populate_seconds"]
            )?;
        }
        writeln!(md)?;
    }

    // The server under load, the soak and the drills (written by sigap-load).
    let by_command = |command: &str| all.iter().filter(move |v| v["command"] == command).collect::<Vec<_>>();
    let ms = |v: &Value| v.as_f64().map_or("?".to_owned(), |x| format!("{x:.1}"));
    let latency = by_command("latency");
    if !latency.is_empty() {
        writeln!(
            md,
            "## The server under load (sigap-load, HTTP on loopback)\n\nMaximum: closed loop, 32 connections. Then an \
             open loop at 50 % of it; latency from each request's scheduled send time.\n\n| store | request | max req/s \
             | open-loop req/s (errors) | p50 ms | p99 ms | p99.9 ms | max ms | notifications delivered /s |\n\
             |---|---|---:|---:|---:|---:|---:|---:|---:|"
        )?;
        for v in &latency {
            let (closed, open) = (&v["closed_loop"], &v["open_loop"]);
            let l = &open["latency_from_scheduled"];
            let store = v["environment"]["store"].as_str().unwrap_or("?");
            let kind = v["kind"].as_str().unwrap_or("?");
            writeln!(
                md,
                "| {store} | {kind} | {} | {} ({}) | {} | {} | {} | {} | {} |",
                fmt_rate(closed["rps"].as_f64().unwrap_or(0.0)),
                fmt_rate(open["achieved_rps"].as_f64().unwrap_or(0.0)),
                open["error_count"],
                ms(&l["p50_ms"]),
                ms(&l["p99_ms"]),
                ms(&l["p999_ms"]),
                ms(&l["max_ms"]),
                fmt_rate(open["outbox_delivered_per_s"].as_f64().unwrap_or(0.0)),
            )?;
            let p99 = l["p99_ms"].as_f64().unwrap_or(f64::MAX);
            goals.push(Goal(
                format!("server p99 ≤ 25 ms at 50 % load ({store}, {kind})"),
                format!("{p99:.1} ms at {} req/s", fmt_rate(open["achieved_rps"].as_f64().unwrap_or(0.0))),
                verdict(p99 <= 25.0).to_owned(),
            ));
        }
        writeln!(md)?;
    }
    for v in by_command("soak") {
        let samples = v["samples"].as_array().cloned().unwrap_or_default();
        let first = samples.first().cloned().unwrap_or_default();
        let last = samples.last().cloned().unwrap_or_default();
        let mib = |x: &Value| x.as_f64().map_or("?".to_owned(), |k| format!("{:.1}", k / 1024.0));
        writeln!(
            md,
            "## Soak ({} s at {} req/s on {})\n\nRSS {} → {} MiB (limit {} MiB), open files {} → {}, store {:.1} → {:.1} \
             MiB, errors {}. Rule: {}. Verdict: {}.\n",
            v["seconds"],
            v["rate"],
            v["environment"]["store"].as_str().unwrap_or("sled"),
            mib(&first["rss_kib"]),
            mib(&last["rss_kib"]),
            mib(&v["verdict"]["rss_limit_kib"]),
            first["fds"],
            last["fds"],
            first["store_bytes"].as_f64().unwrap_or(0.0) / 1048576.0,
            last["store_bytes"].as_f64().unwrap_or(0.0) / 1048576.0,
            v["requests"]["error_fraction"],
            v["rule"].as_str().unwrap_or("?"),
            if v["pass"] == true { "flat" } else { "NOT flat" }
        )?;
        goals.push(Goal(
            "soak: memory and open files flat".to_owned(),
            format!(
                "RSS {} → {} MiB, fds {} → {}",
                mib(&first["rss_kib"]),
                mib(&last["rss_kib"]),
                first["fds"],
                last["fds"]
            ),
            verdict(v["pass"] == true).to_owned(),
        ));
    }
    let drills = by_command("drill");
    if !drills.is_empty() {
        writeln!(
            md,
            "## Crash drills (sigap-load drill)\n\n| store | cycles | acknowledged | lost | unknown | refused | \
             histories verified (bad) |\n|---|---:|---:|---:|---:|---:|---:|"
        )?;
        for v in &drills {
            let store = v["environment"]["store"].as_str().unwrap_or("?");
            writeln!(
                md,
                "| {store} | {} | {} | {} | {} | {} | {} ({}) |",
                v["cycles"],
                v["acked"],
                v["lost"],
                v["unknown"],
                v["refused"],
                v["final_verify"]["cases"],
                v["final_verify"]["bad"]
            )?;
            goals.push(Goal(
                format!("0 acknowledged transitions lost ({store} drill)"),
                format!("{} lost of {} acknowledged", v["lost"], v["acked"]),
                verdict(v["lost"] == 0 && v["pass"] == true).to_owned(),
            ));
        }
        writeln!(md)?;
    }

    let mut head = String::from("## Goals\n\n| goal | measured | |\n|---|---|---|\n");
    for Goal(goal, measured, v) in &goals {
        writeln!(head, "| {goal} | {measured} | {v} |")?;
    }
    let title_end = md.find("\n\n").map_or(md.len(), |i| i + 2);
    let machine_end = md[title_end..].find("\n\n").map_or(md.len(), |i| title_end + i + 2);
    md.insert_str(machine_end, &(head + "\n"));
    if let Some(parent) = out.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(out, md)?;
    println!("wrote {}", out.display());
    Ok(())
}
