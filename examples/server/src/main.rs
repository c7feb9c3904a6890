//! `sigap`: the reference server and the administrators' command-line tool.
//!
//! `sigap serve` runs the service; the other commands check, render and
//! operate on workflow definitions, calendars and stored cases.

mod cli;
mod html;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}
