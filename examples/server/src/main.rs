//! `sigap`: the reference server and the administrators' command-line tool.

fn main() {}
