//! Support for end-to-end tests: start the real `sigap` binary on a
//! temporary sled folder or a fresh PostgreSQL database, wait until it says
//! it is serving (by reading its output, never by sleeping), talk HTTP to
//! it, stop it gracefully or kill it.
//!
//! The binary's path comes from the calling test (`env!("CARGO_BIN_EXE_sigap")`
//! in the server package's own tests), so cargo builds it first.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// The workspace's `workflows/` folder.
pub fn workflows_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../workflows")
}

/// A fresh PostgreSQL database, dropped when this goes out of scope.
pub struct Database {
    /// Its URL.
    pub url: String,
    admin: String,
    name: String,
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime").block_on(f)
}

impl Database {
    /// Creates `sigap_e2e_<random>` on the server of `DATABASE_URL`.
    pub fn create() -> anyhow::Result<Self> {
        let admin =
            std::env::var("DATABASE_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
        let name = format!("sigap_e2e_{}_{}", std::process::id(), nanos());
        block_on(async {
            use sqlx::Executor;
            let pool = sqlx::PgPool::connect(&admin).await?;
            pool.execute(format!("CREATE DATABASE {name}").as_str()).await?;
            pool.close().await;
            anyhow::Ok(())
        })?;
        let base = admin.rsplit_once('/').map_or(admin.as_str(), |(base, _)| base);
        Ok(Self { url: format!("{base}/{name}"), admin, name })
    }

    /// The first column (text) of every row `sql` returns, to look at what
    /// the database holds.
    pub fn texts(&self, sql: &str) -> anyhow::Result<Vec<String>> {
        let (url, sql) = (self.url.clone(), sql.to_owned());
        block_on(async move {
            let pool = sqlx::PgPool::connect(&url).await?;
            let rows: Vec<String> = sqlx::query_scalar(&sql).fetch_all(&pool).await?;
            pool.close().await;
            anyhow::Ok(rows)
        })
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        let (admin, name) = (self.admin.clone(), self.name.clone());
        let _ = block_on(async move {
            use sqlx::Executor;
            let pool = sqlx::PgPool::connect(&admin).await?;
            pool.execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str()).await?;
            anyhow::Ok(())
        });
    }
}

fn nanos() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos())
}

/// A valid West Sumatra intake form (`konsultasi-hukum-asn`), as the API takes it.
pub fn sumbar_form(name: &str) -> serde_json::Value {
    serde_json::json!({
        "nama": name,
        "nip": "19820414 200604 2 003",
        "jabatan": "Kepala Seksi Pengadaan",
        "unit_kerja": "Dinas Pekerjaan Umum",
        "alamat": "Jl. Sudirman 1, Padang",
        "telepon": "0812 3456 7890",
        "email": "siti@example.go.id",
        "kategori": "pengadaan",
        "pokok_masalah": "Pemeriksaan sebagai saksi",
        "uraian": "Saya dipanggil sebagai saksi terkait pengadaan jalan yang saya tangani tahun lalu.",
        "pertanyaan": "Apa hak dan kewajiban saya sebagai saksi?",
        "persetujuan": true
    })
}

/// How to start a server.
#[derive(Debug, Clone)]
pub struct Options {
    /// The `sigap` binary.
    pub bin: PathBuf,
    /// The workflows folder.
    pub workflows: PathBuf,
    /// The sled folder (ignored with `database_url`).
    pub data_dir: PathBuf,
    /// PostgreSQL instead of sled.
    pub database_url: Option<String>,
    /// Demo accounts.
    pub demo: bool,
    /// An accounts file.
    pub accounts: Option<PathBuf>,
    /// Extra environment.
    pub env: Vec<(String, String)>,
    /// A configuration file.
    pub config: Option<PathBuf>,
    /// The port (0: a free one).
    pub port: u16,
}

impl Options {
    /// A demo server on sled in `data_dir`.
    pub fn sled(bin: impl Into<PathBuf>, data_dir: &Path) -> Self {
        Self {
            bin: bin.into(),
            workflows: workflows_dir(),
            data_dir: data_dir.to_path_buf(),
            database_url: None,
            demo: true,
            accounts: None,
            env: Vec::new(),
            config: None,
            port: 0,
        }
    }
}

/// A running `sigap serve`.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:<port>`.
    pub url: String,
    /// The port.
    pub port: u16,
    /// Everything it wrote to standard error.
    pub log: PathBuf,
    _log_dir: tempfile::TempDir,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map_or(18_080, |a| a.port())
}

impl Server {
    /// Starts a server and returns once it is serving (or panics with its log).
    pub fn start(options: &Options) -> Self {
        let port = if options.port == 0 { free_port() } else { options.port };
        let log_dir = tempfile::tempdir().expect("a log folder");
        let log = log_dir.path().join("server.log");
        let mut command = Command::new(&options.bin);
        command
            .arg("serve")
            .arg("--listen")
            .arg(format!("127.0.0.1:{port}"))
            .arg("--workflows")
            .arg(&options.workflows)
            .arg("--data-dir")
            .arg(&options.data_dir)
            .env_remove("DATABASE_URL")
            .env("SIGAP_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        if options.demo {
            command.arg("--demo");
        }
        if let Some(url) = &options.database_url {
            command.arg("--database-url").arg(url);
        }
        if let Some(config) = &options.config {
            command.arg("--config").arg(config);
        }
        if let Some(accounts) = &options.accounts {
            command.arg("--accounts").arg(accounts);
        }
        for (k, v) in &options.env {
            command.env(k, v);
        }
        let mut child = command.spawn().unwrap_or_else(|e| panic!("cannot start {}: {e}", options.bin.display()));
        let stderr = child.stderr.take().expect("piped");
        let (ready_tx, ready_rx) = mpsc::channel();
        let log_path = log.clone();
        std::thread::spawn(move || {
            let mut file = std::fs::File::create(&log_path).expect("a log file");
            let mut ready = Some(ready_tx);
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = writeln!(file, "{line}");
                let _ = file.flush();
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
        let serving = ready_rx.recv_timeout(Duration::from_secs(120)).unwrap_or(false);
        if !serving {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the server did not start:\n{}", std::fs::read_to_string(&log).unwrap_or_default());
        }
        Self { child, url: format!("http://127.0.0.1:{port}"), port, log, _log_dir: log_dir }
    }

    /// Everything the server logged so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Stops it gracefully (SIGTERM) and waits.
    pub fn stop(mut self) -> String {
        #[cfg(unix)]
        {
            let _ = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status();
        }
        let _ = self.child.wait();
        self.log_text()
    }

    /// Kills it (SIGKILL), as a crash would.
    pub fn kill(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.log_text()
    }

    /// An HTTP agent that does not treat 4xx/5xx as errors.
    pub fn agent() -> ureq::Agent {
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
