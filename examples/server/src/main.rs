//! `sigap`: the reference server and the administrators' command-line tool.
//!
//! `sigap serve` runs the service; the other commands check, render and
//! operate on workflow definitions, calendars and stored cases. Everything
//! lives in the `sigap_server` library; this only parses the arguments.

use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SIGAP_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .init();
    match sigap_server::cli::run(sigap_server::cli::Cli::parse()).await {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}
