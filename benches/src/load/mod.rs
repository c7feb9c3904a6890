//! `sigap-load`: load generator and reliability drills against the real
//! `sigap` binary (see the binary's documentation).

mod api;
mod drill;
mod http;
mod latency;
mod procfs;
mod rng;
mod server;
mod soak;
mod stats;
mod workload;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use serde_json::{Value, json};

use self::server::{Backing, ServerSpec, StoreKind};

/// Load and reliability drills against the `sigap` server binary.
#[derive(Debug, Parser)]
#[command(name = "sigap-load", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Find the closed-loop maximum throughput, then measure latency under an
    /// open-loop constant rate (a fraction of it) from each request's scheduled time.
    Latency {
        #[command(flatten)]
        common: Common,
        #[command(flatten)]
        args: latency::Args,
    },
    /// Steady submit+note load at a fixed rate; samples the server's RSS and
    /// open files every second and checks that they stay flat.
    Soak {
        #[command(flatten)]
        common: Common,
        #[command(flatten)]
        args: soak::Args,
    },
    /// Crash drill at load: kill the server (and, on PostgreSQL, cut its
    /// database connections) under concurrent writers; nothing acknowledged
    /// may be lost and every history must verify.
    Drill {
        #[command(flatten)]
        common: Common,
        #[command(flatten)]
        args: drill::Args,
    },
}

/// Options every subcommand takes.
#[derive(Debug, Clone, clap::Args)]
struct Common {
    /// The `sigap` binary (build it with `cargo build --release -p sigap-server --bin sigap`).
    #[arg(long, default_value = "target/release/sigap")]
    bin: PathBuf,
    /// The store the server runs on.
    #[arg(long, value_enum, default_value_t = StoreKind::Sled)]
    store: StoreKind,
    /// PostgreSQL server on which a fresh database is created for the run (and dropped after it).
    #[arg(long, env = "DATABASE_URL", default_value = "postgres://postgres@127.0.0.1:5432/postgres")]
    database_url: String,
    /// Write the machine-readable result here (JSON).
    #[arg(long)]
    out: Option<PathBuf>,
    /// The workflows folder (default: the workspace's `workflows/`).
    #[arg(long)]
    workflows: Option<PathBuf>,
    /// A configuration file for the server (`sigap serve --config`), e.g. to raise limits.
    #[arg(long)]
    server_config: Option<PathBuf>,
    /// Extra environment for the server, KEY=VALUE (repeatable).
    #[arg(long = "server-env", value_parser = key_value)]
    server_env: Vec<(String, String)>,
    /// The server's log filter (SIGAP_LOG).
    #[arg(long, default_value = "info")]
    server_log: String,
    /// Worker threads of the load generator's own runtime (the server has the other cores).
    #[arg(long, default_value_t = 1)]
    client_threads: usize,
    /// Keep the run's folder (store, server logs) and database instead of deleting them.
    #[arg(long)]
    keep: bool,
}

fn key_value(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .filter(|(k, _)| !k.is_empty())
        .ok_or_else(|| format!("`{text}` is not KEY=VALUE"))
}

impl Common {
    fn spec(&self) -> anyhow::Result<ServerSpec> {
        let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let bin = if self.bin.is_relative() && !self.bin.exists() && workspace.join(&self.bin).exists() {
            workspace.join(&self.bin)
        } else {
            self.bin.clone()
        };
        let workflows = self.workflows.clone().unwrap_or_else(|| workspace.join("workflows"));
        anyhow::ensure!(workflows.is_dir(), "{} is not a folder (--workflows)", workflows.display());
        Ok(ServerSpec {
            bin: bin.canonicalize().unwrap_or(bin),
            workflows: workflows.canonicalize().unwrap_or(workflows),
            config: self.server_config.clone(),
            log: self.server_log.clone(),
            env: self.server_env.clone(),
        })
    }

    /// A fresh store for a run.
    async fn backing(&self) -> anyhow::Result<Backing> {
        Backing::create(self.store, &self.database_url, self.spec()?).await
    }

    /// Facts about the run for its JSON result.
    fn environment(&self, spec: &ServerSpec) -> Value {
        let cores = std::thread::available_parallelism().map_or(0, usize::from);
        let at = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
        json!({
            "bin": spec.bin.display().to_string(),
            "store": self.store.name(),
            "cores": cores,
            "client_threads": self.client_threads,
            "server_log": self.server_log,
            "server_env": self.server_env.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>(),
            "started_unix": at,
        })
    }

    /// Writes the result where `--out` says.
    fn write(&self, result: &Value) -> anyhow::Result<()> {
        if let Some(out) = &self.out {
            let text = serde_json::to_string_pretty(result)?;
            std::fs::write(out, format!("{text}\n")).with_context(|| format!("writing {}", out.display()))?;
            println!("result written to {}", out.display());
        }
        Ok(())
    }
}

/// The per-request time limit: a request still unanswered then is "no answer".
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Parses the command line and runs it: exit 0 on success, 1 when a check
/// failed (soak not flat, drill lost data), 2 on a usage or environment error.
pub(crate) fn main() -> ExitCode {
    let cli = Cli::parse();
    let threads = match &cli.command {
        Command::Latency { common, .. } | Command::Soak { common, .. } | Command::Drill { common, .. } => {
            common.client_threads.max(1)
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(threads).enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: a runtime: {e}");
            return ExitCode::from(2);
        }
    };
    let outcome = runtime.block_on(async {
        let run = async {
            match cli.command {
                Command::Latency { common, args } => latency::run(&common, &args).await,
                Command::Soak { common, args } => soak::run(&common, &args).await,
                Command::Drill { common, args } => drill::run(&common, &args).await,
            }
        };
        // Interrupted: dropping the run kills the server and deletes the
        // run's folder and database (their destructors).
        tokio::select! {
            outcome = run => outcome,
            signal = interrupted() => Err(anyhow::anyhow!("interrupted by {signal}; the server was killed")),
        }
    });
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// Waits for SIGINT or SIGTERM; its name.
async fn interrupted() -> &'static str {
    let Ok(mut term) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) else {
        let _ = tokio::signal::ctrl_c().await;
        return "SIGINT";
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => "SIGINT",
        _ = term.recv() => "SIGTERM",
    }
}
