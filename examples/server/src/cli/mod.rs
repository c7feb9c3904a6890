//! The command line: one subcommand per administrator task.

mod calendar;
mod check;
pub(crate) mod files;
mod ops;
mod render;
mod seed;
mod serve;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// Sigap: SOPs as data — a workflow engine for government service procedures.
#[derive(Debug, Parser)]
#[command(name = "sigap", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the service (JSON API, web pages, notifications, deadline scanner).
    Serve {
        /// The configuration file (TOML); environment variables SIGAP_* override it.
        #[arg(long, env = "SIGAP_CONFIG")]
        config: Option<PathBuf>,
        /// Listen address, e.g. 127.0.0.1:8080.
        #[arg(long)]
        listen: Option<std::net::SocketAddr>,
        /// The folder of workflow and calendar files.
        #[arg(long)]
        workflows: Option<PathBuf>,
        /// The embedded store's folder (sled).
        #[arg(long)]
        data_dir: Option<PathBuf>,
        /// PostgreSQL instead of sled (also DATABASE_URL).
        #[arg(long)]
        database_url: Option<String>,
        /// The staff accounts file.
        #[arg(long)]
        accounts: Option<PathBuf>,
        /// Demo accounts, one per staff role (password `sigap-demo`); loopback only.
        #[arg(long)]
        demo: bool,
    },
    /// Print an argon2id hash of a password read from standard input, for the accounts file.
    HashPassword,
    /// Check every stored case's hash chain and projection; exit 1 if any is bad.
    Verify {
        #[command(flatten)]
        store: ops::StoreArgs,
    },
    /// Write every definition, calendar, attachment and event as JSON Lines (backup, or moving stores).
    Export {
        #[command(flatten)]
        store: ops::StoreArgs,
        /// The file to write (default: standard output).
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// Read an export into this store (an empty one, or one holding the same histories).
    Import {
        #[command(flatten)]
        store: ops::StoreArgs,
        /// The export file.
        #[arg(long)]
        input: PathBuf,
    },
    /// Create synthetic cases through the engine (demonstrations, report checks).
    Seed {
        #[command(flatten)]
        store: ops::StoreArgs,
        /// How many cases.
        #[arg(long, default_value_t = 100)]
        cases: u64,
        /// The year they are submitted in.
        #[arg(long)]
        year: i32,
        /// Only this workflow (default: all, in turn).
        #[arg(long)]
        workflow: Option<String>,
        /// The random seed (the same seed gives the same cases).
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Print the annual evaluation of each workflow.
    Report {
        #[command(flatten)]
        store: ops::StoreArgs,
        /// The year.
        #[arg(long)]
        year: i32,
        /// Only this workflow.
        #[arg(long)]
        workflow: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ReportFormat::Json)]
        format: ReportFormat,
    },
    /// Check workflow, calendar and holiday files (or folders of them); exit 1 on any error.
    /// Warns (without failing) when a calendar's holidays end within twelve months.
    Check {
        /// Files or folders (folders are searched for `*.toml`).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Check as of this day (YYYY-MM-DD) instead of today: will the files still hold then?
        #[arg(long, value_name = "DATE")]
        as_of: Option<chrono::NaiveDate>,
    },
    /// Render a workflow as the official SOP table (Markdown or HTML).
    Sop {
        /// The workflow file.
        file: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = SopFormat::Markdown)]
        format: SopFormat,
    },
    /// Print a workflow's access matrix: which role reaches a case at which
    /// stage, reads which content, and may add notes and files where (Markdown).
    Access {
        /// The workflow file.
        file: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = SopFormat::Markdown)]
        format: SopFormat,
    },
    /// Render a workflow's stage diagram (Mermaid or Graphviz DOT).
    Graph {
        /// The workflow file.
        file: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = GraphFormat::Mermaid)]
        format: GraphFormat,
    },
    /// Print the JSON Schema of workflow files (or of calendar or holiday files) for editors such as taplo.
    Schema {
        /// Which kind of file.
        #[arg(long, value_enum, default_value_t = SchemaKind::Workflow)]
        kind: SchemaKind,
    },
    /// Print the due instant of a duration counted in open time (RFC 3339, the calendar's zone).
    Due {
        /// The calendar file.
        #[arg(long)]
        calendar: PathBuf,
        /// The start, RFC 3339 (e.g. 2026-08-14T14:40:00+07:00).
        #[arg(long, allow_hyphen_values = true, required_unless_present = "batch", conflicts_with = "batch")]
        start: Option<String>,
        /// The duration: N followed by m (working minutes), h (working hours) or wd (working days).
        #[arg(long, allow_hyphen_values = true, required_unless_present = "batch", conflicts_with = "batch")]
        duration: Option<String>,
        /// Many at once: a file (`-` for standard input) of JSON lines
        /// `{"start": …, "duration": …}` or CSV lines `start,duration`;
        /// one result per line, a line that cannot be read named by its number.
        #[arg(long, value_name = "FILE")]
        batch: Option<PathBuf>,
    },
    /// Print the working minutes between two instants.
    Between {
        /// The calendar file.
        #[arg(long)]
        calendar: PathBuf,
        /// From, RFC 3339.
        #[arg(long, allow_hyphen_values = true, required_unless_present = "batch", conflicts_with = "batch")]
        from: Option<String>,
        /// To, RFC 3339.
        #[arg(long, allow_hyphen_values = true, required_unless_present = "batch", conflicts_with = "batch")]
        to: Option<String>,
        /// Many at once: a file (`-` for standard input) of JSON lines
        /// `{"from": …, "to": …}` or CSV lines `from,to`; one result per line.
        #[arg(long, value_name = "FILE")]
        batch: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum SopFormat {
    Markdown,
    Html,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ReportFormat {
    Json,
    Csv,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum GraphFormat {
    Mermaid,
    Dot,
}

/// Writes to standard output; a closed pipe (`sigap sop … | head`) is not an error.
/// The kinds of file `sigap schema` describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SchemaKind {
    /// `kind = "workflow"`.
    Workflow,
    /// `kind = "calendar"`.
    Calendar,
    /// `kind = "holidays"`.
    Holidays,
}

pub(crate) fn emit(text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

/// Runs a parsed command line; `Err` is a usage or environment problem (exit 2).
pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Serve { config, listen, workflows, data_dir, database_url, accounts, demo } => {
            let overrides = crate::config::Overrides { listen, workflows, data_dir, database_url, accounts, demo };
            serve::run(config, overrides).await
        }
        Command::Verify { store } => ops::verify(&store).await,
        Command::Seed { store, cases, year, workflow, seed } => seed::run(&store, cases, year, workflow, seed).await,
        Command::Export { store, output } => ops::export(&store, output).await,
        Command::Import { store, input } => ops::import(&store, input).await,
        Command::Report { store, year, workflow, format } => {
            ops::report(&store, year, workflow, matches!(format, ReportFormat::Csv)).await
        }
        Command::HashPassword => {
            let mut password = String::new();
            std::io::stdin().read_line(&mut password)?;
            let password = password.trim_end_matches(['\n', '\r']);
            if password.chars().count() < 8 {
                anyhow::bail!("use a password of at least 8 characters");
            }
            emit(&format!("{}\n", crate::auth::hash_password(password)?))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { paths, as_of } => check::run(&paths, as_of),
        Command::Sop { file, format } => render::sop(&file, format),
        Command::Access { file, format } => render::access(&file, format),
        Command::Graph { file, format } => render::graph(&file, format),
        Command::Schema { kind } => render::schema(kind),
        Command::Due { calendar, start, duration, batch } => match (batch, start, duration) {
            (Some(batch), _, _) => calendar::batch(&calendar, &batch, calendar::Question::Due),
            (None, Some(start), Some(duration)) => calendar::due(&calendar, &start, &duration),
            _ => anyhow::bail!("give --start and --duration, or --batch FILE"),
        },
        Command::Between { calendar, from, to, batch } => match (batch, from, to) {
            (Some(batch), _, _) => calendar::batch(&calendar, &batch, calendar::Question::Between),
            (None, Some(from), Some(to)) => calendar::between(&calendar, &from, &to),
            _ => anyhow::bail!("give --from and --to, or --batch FILE"),
        },
    }
}
