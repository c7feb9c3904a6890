//! `sigap-load`: load generator and reliability drills for the `sigap`
//! server, run against the real binary on sled or PostgreSQL.
//!
//! - `latency`: the closed-loop maximum throughput, then latency at an
//!   open-loop constant rate (50 % of it by default) measured from each
//!   request's scheduled send time (no coordinated omission).
//! - `soak`: a steady submit+note load while the server's RSS and open file
//!   descriptors are sampled every second; exits 1 unless they stay flat.
//! - `drill`: SIGKILL the server (and, on PostgreSQL, cut its database
//!   connections) under concurrent writers; exits 1 if anything
//!   acknowledged was lost or a history fails `sigap verify`.
//!
//! Each takes `--bin`, `--store sled|postgres`, `--database-url`, `--out
//! FILE.json`; see `sigap-load <command> --help`.

#[path = "../load/mod.rs"]
mod load;

fn main() -> std::process::ExitCode {
    load::main()
}
