//! Sigap's storage and query measurements beside the hardware's own limit,
//! and the Markdown report of every figure (`benches/run.sh` runs them all).
//!
//! ```text
//! sigap-bench sled    --ops 200               --out target/bench/sled.json
//! sigap-bench postgres --seconds 10 --out target/bench/postgres.json          # on DATABASE_URL's server
//! sigap-bench queries --store sled --cases 100000 --out target/bench/queries-sled-100k.json
//! sigap-bench report  --dir target/bench --criterion target/criterion --out target/bench-report.md
//! ```
//!
//! Each measurement writes one JSON file; `report` turns the folder into
//! one Markdown table per kind, with the goals of issue 8 beside them.

mod machine;
mod postgres;
mod queries;
mod report;
mod sled_bench;

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use sigap_tests::Database;

#[derive(Debug, Parser)]
#[command(name = "sigap-bench", about = "Sigap's storage measurements and the bench report")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Which store.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum StoreKind {
    Sled,
    Postgres,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Durable appends/s on sled beside raw sled insert+flush (and insert+flush+fdatasync) in the same run.
    Sled {
        /// Operations per writer.
        #[arg(long, default_value_t = 200)]
        ops: u64,
        /// Where to write the JSON result.
        #[arg(long)]
        out: PathBuf,
    },
    /// Durable appends/s on PostgreSQL beside pgbench (TPC-B-like and -N) on the same server in the same run
    /// (scratch databases on the server `DATABASE_URL` names, dropped after).
    Postgres {
        /// Seconds per run.
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// Where to write the JSON result.
        #[arg(long)]
        out: PathBuf,
    },
    /// Latency of the deadline scan and the inbox query over N open cases.
    Queries {
        /// The store.
        #[arg(long, value_enum)]
        store: StoreKind,
        /// Open cases.
        #[arg(long, default_value_t = 100_000)]
        cases: u64,
        /// Where to write the JSON result.
        #[arg(long)]
        out: PathBuf,
    },
    /// The Markdown report of every JSON result in a folder and criterion's estimates.
    Report {
        /// The folder of JSON results.
        #[arg(long, default_value = "target/bench")]
        dir: PathBuf,
        /// Criterion's output folder.
        #[arg(long, default_value = "target/criterion")]
        criterion: PathBuf,
        /// The report.
        #[arg(long, default_value = "target/bench-report.md")]
        out: PathBuf,
    },
}

fn write_json(path: &std::path::Path, value: &serde_json::Value) -> anyhow::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, serde_json::to_string_pretty(value)? + "\n")?;
    println!("wrote {}", path.display());
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let runtime = || tokio::runtime::Builder::new_multi_thread().enable_all().build();
    match cli.command {
        Command::Sled { ops, out } => write_json(&out, &runtime()?.block_on(sled_bench::run(ops))?),
        Command::Postgres { seconds, out } => {
            // Created and dropped outside the runtime (they run their own).
            let (scratch, sigap) = (Database::create()?, Database::create()?);
            let result = runtime()?.block_on(postgres::run(&scratch.url, &sigap.url, seconds))?;
            write_json(&out, &result)
        }
        Command::Queries { store, cases, out } => {
            let result = match store {
                StoreKind::Sled => runtime()?.block_on(queries::sled(cases))?,
                StoreKind::Postgres => {
                    let database = Database::create()?;
                    runtime()?.block_on(queries::postgres(&database.url, cases))?
                }
            };
            write_json(&out, &result)
        }
        Command::Report { dir, criterion, out } => report::write(&dir, &criterion, &out),
    }
}
