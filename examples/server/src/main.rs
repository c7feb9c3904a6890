//! `sigap`: the reference server and the administrators' command-line tool.
//!
//! `sigap serve` runs the service; the other commands check, render and
//! operate on workflow definitions, calendars and stored cases.

mod api;
mod auth;
mod cli;
mod clock;
mod config;
mod html;
mod mail;
mod metrics;
mod state;
mod web;
mod webhook;
mod workers;

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
    let args = cli::Cli::parse();
    match cli::run(args).await {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}
