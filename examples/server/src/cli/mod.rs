//! The command line: one subcommand per administrator task.

mod check;
mod files;
mod render;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// Sigap: SOPs as data — a workflow engine for government service procedures.
#[derive(Debug, Parser)]
#[command(name = "sigap", version, about, long_about = None)]
pub(crate) struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check workflow, calendar and holiday files (or folders of them); exit 1 on any error.
    Check {
        /// Files or folders (folders are searched for `*.toml`).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Render a workflow as the official SOP table (Markdown or HTML).
    Sop {
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
    /// Print the JSON Schema of workflow files (for editors such as taplo).
    Schema,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum SopFormat {
    Markdown,
    Html,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum GraphFormat {
    Mermaid,
    Dot,
}

/// Writes to standard output; a closed pipe (`sigap sop … | head`) is not an error.
pub(crate) fn emit(text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

/// Runs a parsed command line; `Err` is a usage or environment problem (exit 2).
pub(crate) fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Check { paths } => check::run(&paths),
        Command::Sop { file, format } => render::sop(&file, format),
        Command::Graph { file, format } => render::graph(&file, format),
        Command::Schema => render::schema(),
    }
}
