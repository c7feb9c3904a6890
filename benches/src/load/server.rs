//! The server under test: a real `sigap serve` process started here (so
//! that its process id is known for `/proc` sampling and SIGKILL), ready
//! when it prints its banner (never a sleep), on a fresh sled folder or a
//! fresh PostgreSQL database that is dropped after the run.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context;

/// Which store the server runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum StoreKind {
    /// The embedded store, in a temporary folder.
    Sled,
    /// PostgreSQL: a fresh database on `--database-url`'s server.
    Postgres,
}

impl StoreKind {
    /// Its name in reports.
    pub(crate) fn name(self) -> &'static str {
        match self {
            StoreKind::Sled => "sled",
            StoreKind::Postgres => "postgres",
        }
    }
}

/// Environment variables the server reads that must not leak in from ours.
const SERVER_ENV: &[&str] = &[
    "DATABASE_URL",
    "SIGAP_CONFIG",
    "SIGAP_DATABASE_URL",
    "SIGAP_LISTEN",
    "SIGAP_WORKFLOWS",
    "SIGAP_DATA_DIR",
    "SIGAP_ACCOUNTS",
    "SIGAP_CLOCK_OFFSET_SECONDS",
    "SIGAP_TRACKING_ATTEMPTS",
    "SIGAP_TRUST_FORWARDED_FOR",
    "SIGAP_BASE_URL",
    "SIGAP_LOG",
];

/// How to start servers for one run.
#[derive(Debug, Clone)]
pub(crate) struct ServerSpec {
    /// The `sigap` binary.
    pub(crate) bin: PathBuf,
    /// The workflows folder.
    pub(crate) workflows: PathBuf,
    /// A configuration file (`--config`).
    pub(crate) config: Option<PathBuf>,
    /// The log filter (`SIGAP_LOG`).
    pub(crate) log: String,
    /// Extra environment, applied last.
    pub(crate) env: Vec<(String, String)>,
}

/// Where a run's data lives: a folder (sled's store, the session key, the
/// server logs) and, on PostgreSQL, a database of its own.
pub(crate) struct Backing {
    dir: tempfile::TempDir,
    database: Option<Database>,
    spec: ServerSpec,
    starts: u32,
}

impl Backing {
    /// A fresh folder and, for PostgreSQL, a fresh database.
    pub(crate) async fn create(kind: StoreKind, admin_url: &str, spec: ServerSpec) -> anyhow::Result<Self> {
        anyhow::ensure!(
            spec.bin.is_file(),
            "{} is not a file: build it with `cargo build --release -p sigap-server --bin sigap` or pass --bin",
            spec.bin.display()
        );
        let dir = tempfile::Builder::new().prefix("sigap-load-").tempdir().context("a temporary folder")?;
        let database = match kind {
            StoreKind::Sled => None,
            StoreKind::Postgres => Some(Database::create(admin_url).await?),
        };
        Ok(Self { dir, database, spec, starts: 0 })
    }

    /// The run's database URL, on PostgreSQL.
    pub(crate) fn database_url(&self) -> Option<&str> {
        self.database.as_ref().map(|d| d.url.as_str())
    }

    /// Starts a server on this store (a new free port each time) and waits for its banner.
    pub(crate) async fn start(&mut self) -> anyhow::Result<ServerProcess> {
        self.starts += 1;
        let log = self.dir.path().join(format!("server-{}.log", self.starts));
        let mut command = Command::new(&self.spec.bin);
        let port = free_port()?;
        command
            .arg("serve")
            .arg("--demo")
            .arg("--listen")
            .arg(format!("127.0.0.1:{port}"))
            .arg("--workflows")
            .arg(&self.spec.workflows)
            .arg("--data-dir")
            .arg(self.dir.path().join("data"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for name in SERVER_ENV {
            command.env_remove(name);
        }
        // Tracking lookups of writes that were lost would count as wrong
        // guesses and lock the drill out (20 per 15 minutes by default).
        command.env("SIGAP_TRACKING_ATTEMPTS", "1000000").env("SIGAP_LOG", &self.spec.log);
        if let Some(url) = self.database_url() {
            command.arg("--database-url").arg(url);
        }
        if let Some(config) = &self.spec.config {
            command.arg("--config").arg(config);
        }
        for (k, v) in &self.spec.env {
            command.env(k, v);
        }
        let started = Instant::now();
        let mut child = command.spawn().with_context(|| format!("cannot start {}", self.spec.bin.display()))?;
        let stderr = child.stderr.take().context("the server's standard error")?;
        let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
        let log_path = log.clone();
        std::thread::spawn(move || {
            let mut file = std::fs::File::create(&log_path).ok();
            let mut ready = Some(ready_tx);
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(file) = file.as_mut() {
                    let _ = writeln!(file, "{line}");
                }
                if line.starts_with("Sigap is serving")
                    && let Some(tx) = ready.take()
                {
                    let _ = tx.send(true);
                }
            }
            if let Some(tx) = ready.take() {
                let _ = tx.send(false);
            }
        });
        let serving = tokio::time::timeout(Duration::from_secs(120), ready_rx).await.ok().and_then(Result::ok);
        if serving != Some(true) {
            let _ = child.kill();
            let _ = child.wait();
            anyhow::bail!(
                "the server did not start (log {}):\n{}",
                log.display(),
                std::fs::read_to_string(&log).unwrap_or_default()
            );
        }
        let pid = child.id();
        Ok(ServerProcess {
            child: Some(child),
            pid,
            url: format!("http://127.0.0.1:{port}"),
            log,
            startup: started.elapsed(),
        })
    }

    /// `sigap verify` on this store (the server must not hold sled's folder).
    pub(crate) async fn verify(&self) -> anyhow::Result<Verification> {
        let mut command = tokio::process::Command::new(&self.spec.bin);
        command.arg("verify");
        for name in SERVER_ENV {
            command.env_remove(name);
        }
        match self.database_url() {
            Some(url) => command.arg("--database-url").arg(url),
            None => command.arg("--data-dir").arg(self.dir.path().join("data")),
        };
        let output = command.output().await.context("running sigap verify")?;
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let summary = stdout.lines().rev().find(|l| l.contains("case(s) verified")).unwrap_or("").to_owned();
        let number = |word: &str| -> Option<u64> {
            let words: Vec<&str> = summary.split_whitespace().collect();
            let at = words.iter().position(|w| *w == word)?;
            words.get(at.checked_sub(1)?)?.parse().ok()
        };
        let cases = number("case(s)");
        let bad = number("bad");
        Ok(Verification {
            ok: output.status.success() && bad == Some(0),
            cases: cases.unwrap_or(0),
            bad: bad.unwrap_or(0),
            output: format!("{stdout}{}", String::from_utf8_lossy(&output.stderr)),
        })
    }

    /// Something that measures the store's size on disk while the server runs.
    pub(crate) async fn size_probe(&self) -> anyhow::Result<SizeProbe> {
        use sqlx::Connection;
        Ok(match self.database_url() {
            Some(url) => SizeProbe::Postgres(Box::new(sqlx::PgConnection::connect(url).await?)),
            None => SizeProbe::Folder(self.dir.path().join("data")),
        })
    }

    /// Cuts every connection to the run's database but ours
    /// (`pg_terminate_backend`); the number cut.
    pub(crate) async fn terminate_backends(&self) -> anyhow::Result<i64> {
        use sqlx::Connection;
        let url = self.database_url().context("not on PostgreSQL")?;
        let mut connection = sqlx::PgConnection::connect(url).await?;
        let cut: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid()) AS cut",
        )
        .fetch_one(&mut connection)
        .await?;
        connection.close().await?;
        Ok(cut)
    }

    /// Drops the database (if any) and the folder, or keeps them and says where.
    pub(crate) async fn finish(mut self, keep: bool) -> anyhow::Result<()> {
        if keep {
            let path = self.dir.keep();
            eprintln!("kept the run's folder {}", path.display());
            if let Some(mut db) = self.database.take() {
                eprintln!("kept the database {}", db.url);
                db.dropped = true;
            }
            return Ok(());
        }
        if let Some(db) = self.database.take() {
            db.drop_now().await?;
        }
        Ok(())
    }
}

fn free_port() -> anyhow::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).context("a free port")?.port())
}

/// What `sigap verify` said.
#[derive(Debug, Clone)]
pub(crate) struct Verification {
    /// Exit 0 and no bad history.
    pub(crate) ok: bool,
    /// Cases verified.
    pub(crate) cases: u64,
    /// Bad histories.
    pub(crate) bad: u64,
    /// Its whole output.
    pub(crate) output: String,
}

impl Verification {
    /// As JSON.
    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::json!({ "ok": self.ok, "cases": self.cases, "bad": self.bad })
    }
}

/// A running `sigap serve`.
pub(crate) struct ServerProcess {
    child: Option<Child>,
    /// Its process id.
    pub(crate) pid: u32,
    /// `http://127.0.0.1:<port>`.
    pub(crate) url: String,
    /// Its log file.
    pub(crate) log: PathBuf,
    /// From spawning to its banner (store recovery and deadline catch-up included).
    pub(crate) startup: Duration,
}

impl ServerProcess {
    /// SIGKILL, as a crash would; waits for the process to be gone.
    pub(crate) fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// SIGTERM and wait (up to a minute, then SIGKILL); whether it exited 0.
    pub(crate) async fn stop(mut self) -> bool {
        let Some(mut child) = self.child.take() else { return false };
        let _ = tokio::process::Command::new("kill").arg("-TERM").arg(self.pid.to_string()).status().await;
        let waited = tokio::task::spawn_blocking(move || {
            let deadline = Instant::now() + Duration::from_secs(60);
            loop {
                match child.try_wait() {
                    Ok(Some(status)) => return status.success(),
                    Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
                    _ => {
                        let _ = child.kill();
                        let _ = child.wait();
                        return false;
                    }
                }
            }
        })
        .await;
        waited.unwrap_or(false)
    }

    /// The log so far.
    pub(crate) fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A fresh PostgreSQL database.
struct Database {
    url: String,
    admin: String,
    name: String,
    dropped: bool,
}

impl Database {
    async fn create(admin: &str) -> anyhow::Result<Self> {
        use sqlx::{Connection, Executor};
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        let name = format!("sigap_load_{}_{nanos}", std::process::id());
        let mut connection = sqlx::PgConnection::connect(admin)
            .await
            .with_context(|| format!("connecting to {admin} (--database-url) to create the run's database"))?;
        connection.execute(format!("CREATE DATABASE {name}").as_str()).await?;
        connection.close().await?;
        let (without_query, query) = match admin.split_once('?') {
            Some((url, query)) => (url, format!("?{query}")),
            None => (admin, String::new()),
        };
        let base = without_query.rsplit_once('/').map_or(without_query, |(base, _)| base);
        Ok(Self { url: format!("{base}/{name}{query}"), admin: admin.to_owned(), name, dropped: false })
    }

    async fn drop_now(mut self) -> anyhow::Result<()> {
        self.dropped = true;
        drop_database(&self.admin, &self.name).await
    }
}

async fn drop_database(admin: &str, name: &str) -> anyhow::Result<()> {
    use sqlx::{Connection, Executor};
    let mut connection = sqlx::PgConnection::connect(admin).await?;
    connection.execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str()).await?;
    connection.close().await?;
    Ok(())
}

impl Drop for Database {
    /// A run that ended early (an error) still drops its database: on a
    /// thread of its own, since this may run inside the load's runtime.
    fn drop(&mut self) {
        if self.dropped {
            return;
        }
        let (admin, name) = (self.admin.clone(), self.name.clone());
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
            runtime.block_on(drop_database(&admin, &name)).ok()
        })
        .join();
    }
}

/// Measures a store's size.
pub(crate) enum SizeProbe {
    /// sled: the files in the data folder.
    Folder(PathBuf),
    /// PostgreSQL: `pg_database_size` of the run's database.
    Postgres(Box<sqlx::PgConnection>),
}

impl SizeProbe {
    /// The store's size in bytes now.
    pub(crate) async fn bytes(&mut self) -> Option<u64> {
        match self {
            SizeProbe::Folder(path) => Some(super::procfs::folder_bytes(path)),
            SizeProbe::Postgres(connection) => {
                let size: i64 = sqlx::query_scalar("SELECT pg_database_size(current_database())")
                    .fetch_one(connection.as_mut())
                    .await
                    .ok()?;
                u64::try_from(size).ok()
            }
        }
    }
}
