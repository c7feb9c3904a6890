//! What the kernel says about a process: resident memory, open files,
//! threads and CPU time, from `/proc`.

use std::sync::OnceLock;

/// A process's resident set in KiB (`VmRSS`), if it is still there.
pub(crate) fn rss_kib(pid: u32) -> Option<u64> {
    status_field(pid, "VmRSS:")
}

/// A process's thread count.
pub(crate) fn threads(pid: u32) -> Option<u64> {
    status_field(pid, "Threads:")
}

fn status_field(pid: u32, name: &str) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = text.lines().find(|l| l.starts_with(name))?;
    line[name.len()..].split_whitespace().next()?.parse().ok()
}

/// How many file descriptors a process holds open.
pub(crate) fn open_fds(pid: u32) -> Option<u64> {
    Some(std::fs::read_dir(format!("/proc/{pid}/fd")).ok()?.count() as u64)
}

/// User plus system CPU time of a process, in seconds (`None`: the process is gone).
pub(crate) fn cpu_seconds(pid: Option<u32>) -> Option<f64> {
    let path = pid.map_or_else(|| "/proc/self/stat".to_owned(), |p| format!("/proc/{p}/stat"));
    let text = std::fs::read_to_string(path).ok()?;
    // Fields after the command name (which may hold spaces) in parentheses.
    let rest = &text[text.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line: 12 and 13 here.
    let ticks = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(ticks as f64 / clock_ticks())
}

/// The kernel's clock ticks per second (`getconf CLK_TCK`, usually 100).
fn clock_ticks() -> f64 {
    static TICKS: OnceLock<f64> = OnceLock::new();
    *TICKS.get_or_init(|| {
        std::process::Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse::<f64>().ok())
            .filter(|t| *t > 0.0)
            .unwrap_or(100.0)
    })
}

/// CPU use of the server and of this process over an interval.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CpuMeter {
    server: Option<u32>,
    started: std::time::Instant,
    server_cpu: f64,
    client_cpu: f64,
}

impl CpuMeter {
    /// Starts measuring.
    pub(crate) fn start(server: Option<u32>) -> Self {
        Self {
            server,
            started: std::time::Instant::now(),
            server_cpu: server.and_then(|p| cpu_seconds(Some(p))).unwrap_or(0.0),
            client_cpu: cpu_seconds(None).unwrap_or(0.0),
        }
    }

    /// (server, client) CPU since the start, in percent of one core.
    pub(crate) fn percent(&self) -> (f64, f64) {
        let wall = self.started.elapsed().as_secs_f64().max(1e-9);
        let server = self.server.and_then(|p| cpu_seconds(Some(p))).map_or(0.0, |c| c - self.server_cpu);
        let client = cpu_seconds(None).map_or(0.0, |c| c - self.client_cpu);
        (100.0 * server / wall, 100.0 * client / wall)
    }
}

/// A process's open file descriptors by kind: (sockets, pipes, regular
/// files and folders, other: eventfd, epoll, timers…).
pub(crate) fn fd_kinds(pid: u32) -> Option<(u64, u64, u64, u64)> {
    let (mut sockets, mut pipes, mut files, mut other) = (0, 0, 0, 0);
    for entry in std::fs::read_dir(format!("/proc/{pid}/fd")).ok()?.flatten() {
        let target = std::fs::read_link(entry.path()).map(|p| p.display().to_string()).unwrap_or_default();
        if target.starts_with("socket:") {
            sockets += 1;
        } else if target.starts_with("pipe:") {
            pipes += 1;
        } else if target.starts_with('/') {
            files += 1;
        } else {
            other += 1;
        }
    }
    Some((sockets, pipes, files, other))
}

pub(crate) use sigap_benches::folder_bytes;
