//! E-mail through a submission server that requires STARTTLS and a
//! password, and webhooks to an HTTPS receiver (both minimal ones in the
//! test, with a certificate from a test authority): messages go out only
//! over a verified TLS connection, signed in with the configured account;
//! an untrusted certificate or a server without STARTTLS gets nothing, and
//! the item is retried; settings that would send a password in clear, or
//! cannot work, stop the start.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use base64::Engine as _;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use serde_json::json;
use sigap_tests::{Options, Server};
use support::{Api, bin, sumbar_form};

/// What the submission server saw of one session that sent a message.
#[derive(Debug)]
struct Delivered {
    /// The AUTH PLAIN identity and password.
    user: String,
    password: String,
    message: String,
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tls").join(name)
}

fn tls_config() -> Arc<rustls::ServerConfig> {
    let certs = CertificateDer::pem_file_iter(fixture("relay.pem")).unwrap().collect::<Result<Vec<_>, _>>().unwrap();
    let key = PrivateKeyDer::from_pem_file(fixture("relay.key")).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    Arc::new(config)
}

/// Listens on a free loopback port with the test certificate; each
/// connection runs `session` on its own thread, reporting down the channel.
fn listen<T, F>(session: F) -> (u16, mpsc::Receiver<T>)
where
    T: Send + 'static,
    F: Fn(TcpStream, &Arc<rustls::ServerConfig>, &mpsc::Sender<T>) + Clone + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = mpsc::channel();
    let config = tls_config();
    std::thread::spawn(move || {
        for stream in listener.incoming().map_while(Result::ok) {
            let (tx, config, session) = (tx.clone(), config.clone(), session.clone());
            std::thread::spawn(move || session(stream, &config, &tx));
        }
    });
    (port, rx)
}

/// A submission server: STARTTLS first (anything else before it is
/// refused), then AUTH PLAIN, then the message. `starttls: false` is a
/// server that does not offer STARTTLS at all.
fn submission_server(starttls: bool) -> (u16, mpsc::Receiver<Delivered>) {
    listen(move |stream, config, tx| session(stream, starttls, config, tx))
}

fn read_command<R: BufRead>(reader: &mut R) -> Option<String> {
    let mut line = String::new();
    match reader.read_line(&mut line) {
        Ok(0) | Err(_) => None,
        Ok(_) => Some(line.trim_end().to_owned()),
    }
}

fn reply<W: Write>(writer: &mut W, text: &str) {
    let _ = writer.write_all(text.as_bytes());
    let _ = writer.flush();
}

fn session(stream: TcpStream, starttls: bool, config: &Arc<rustls::ServerConfig>, tx: &mpsc::Sender<Delivered>) {
    let mut plain = BufReader::new(stream);
    reply(plain.get_mut(), "220 submission.test ESMTP\r\n");
    loop {
        let Some(command) = read_command(&mut plain) else { return };
        let upper = command.to_ascii_uppercase();
        if upper.starts_with("EHLO") || upper.starts_with("HELO") {
            let offer = if starttls { "250-submission.test\r\n250 STARTTLS\r\n" } else { "250 submission.test\r\n" };
            reply(plain.get_mut(), offer);
        } else if upper == "STARTTLS" && starttls {
            reply(plain.get_mut(), "220 2.0.0 ready\r\n");
            break;
        } else if upper == "QUIT" {
            reply(plain.get_mut(), "221 bye\r\n");
            return;
        } else {
            reply(plain.get_mut(), "530 5.7.0 Must issue a STARTTLS command first\r\n");
        }
    }
    // The client speaks first in the handshake: nothing is buffered yet.
    let connection = rustls::ServerConnection::new(config.clone()).unwrap();
    let mut tls = BufReader::new(rustls::StreamOwned::new(connection, plain.into_inner()));
    let mut signed_in: Option<(String, String)> = None;
    loop {
        // A client that rejects the certificate ends here, in the handshake.
        let Some(command) = read_command(&mut tls) else { return };
        let upper = command.to_ascii_uppercase();
        if upper.starts_with("EHLO") || upper.starts_with("HELO") {
            reply(tls.get_mut(), "250-submission.test\r\n250-AUTH PLAIN\r\n250 8BITMIME\r\n");
        } else if upper.starts_with("AUTH PLAIN") {
            let encoded = match command.split_whitespace().nth(2) {
                Some(inline) => inline.to_owned(),
                None => {
                    reply(tls.get_mut(), "334 \r\n");
                    read_command(&mut tls).unwrap_or_default()
                }
            };
            let decoded = base64::engine::general_purpose::STANDARD.decode(encoded).unwrap_or_default();
            let parts: Vec<String> =
                decoded.split(|b| *b == 0).map(|p| String::from_utf8_lossy(p).into_owned()).collect();
            signed_in = Some((parts.get(1).cloned().unwrap_or_default(), parts.get(2).cloned().unwrap_or_default()));
            reply(tls.get_mut(), "235 2.7.0 accepted\r\n");
        } else if (upper.starts_with("MAIL") || upper.starts_with("RCPT") || upper == "DATA") && signed_in.is_none() {
            reply(tls.get_mut(), "530 5.7.0 Authentication required\r\n");
        } else if upper == "DATA" {
            reply(tls.get_mut(), "354 go ahead\r\n");
            let mut message = String::new();
            loop {
                let mut line = String::new();
                if tls.read_line(&mut line).unwrap_or(0) == 0 || line == ".\r\n" {
                    break;
                }
                message.push_str(&line);
            }
            let (user, password) = signed_in.clone().unwrap_or_default();
            let _ = tx.send(Delivered { user, password, message });
            reply(tls.get_mut(), "250 2.0.0 queued\r\n");
        } else if upper == "QUIT" {
            reply(tls.get_mut(), "221 bye\r\n");
            return;
        } else {
            reply(tls.get_mut(), "250 ok\r\n");
        }
    }
}

/// An HTTPS receiver: sends (request head, body) down the channel, answering 200.
fn https_receiver() -> (u16, mpsc::Receiver<(String, Vec<u8>)>) {
    listen(https_session)
}

fn https_session(stream: TcpStream, config: &Arc<rustls::ServerConfig>, tx: &mpsc::Sender<(String, Vec<u8>)>) {
    let connection = rustls::ServerConnection::new(config.clone()).unwrap();
    let mut reader = BufReader::new(rustls::StreamOwned::new(connection, stream));
    // Keep-alive: one request after another on the connection.
    loop {
        let mut head = String::new();
        let mut length = 0usize;
        loop {
            let mut line = String::new();
            // A client that rejects the certificate ends here, in the handshake.
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            if line == "\r\n" {
                break;
            }
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = v.trim().parse().unwrap_or(0);
            }
            head.push_str(&line);
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        reply(reader.get_mut(), "HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n");
        let _ = tx.send((head, body));
    }
}

/// A sled server with this configuration (and an SMTP password in a file).
fn server_with(dir: &Path, smtp: &str) -> Server {
    let password = dir.join("smtp-password");
    std::fs::write(&password, "kata-sandi-rahasia\n").unwrap();
    let config = dir.join("sigap.toml");
    let smtp = smtp.replace("{password_file}", &format!("{:?}", password.to_str().unwrap()));
    let text = if smtp.starts_with("[[webhooks]]") { smtp } else { format!("[smtp]\n{smtp}") };
    std::fs::write(&config, text).unwrap();
    let mut options = Options::sled(bin(), &dir.join("data"));
    options.config = Some(config);
    Server::start(&options)
}

fn submit(server: &Server) {
    let api = Api::new(&server.url);
    let receipt =
        api.post("/api/v1/workflows/konsultasi-hukum-asn/cases", &[], &json!({ "form": sumbar_form("Nurul Hidayah") }));
    assert_eq!(receipt.status, 201, "{:?}", receipt.json);
}

/// The value of a counter on /metrics.
fn counter(server: &Server, name: &str) -> u64 {
    let metrics = String::from_utf8_lossy(&Api::new(&server.url).get("/metrics", &[]).bytes).into_owned();
    metrics
        .lines()
        .find_map(|l| l.strip_prefix(name).and_then(|rest| rest.trim().parse().ok()))
        .unwrap_or_else(|| panic!("{name} is not on /metrics:\n{metrics}"))
}

/// Waits (polling /metrics, at most a minute) until a delivery has failed.
fn wait_for_a_failed_delivery(server: &Server) {
    let start = Instant::now();
    while counter(server, "sigap_outbox_failed_total") == 0 {
        assert!(start.elapsed() < Duration::from_secs(60), "no delivery attempt failed within a minute");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn mail_goes_out_over_verified_starttls_signed_in() {
    let (port, delivered) = submission_server(true);
    let dir = tempfile::tempdir().unwrap();
    let ca = fixture("ca.pem");
    let server = server_with(
        dir.path(),
        &format!(
            "host = \"127.0.0.1\"\nport = {port}\nfrom = \"Layanan Hukum <noreply@example.go.id>\"\n\
             security = \"starttls\"\nusername = \"layanan-hukum\"\npassword_file = {{password_file}}\n\
             ca_file = {:?}\n",
            ca.to_str().unwrap()
        ),
    );
    submit(&server);
    let mail = delivered.recv_timeout(Duration::from_secs(60)).expect("an e-mail over TLS");
    assert_eq!((mail.user.as_str(), mail.password.as_str()), ("layanan-hukum", "kata-sandi-rahasia"));
    assert!(mail.message.contains("To: siti@example.go.id"), "{}", mail.message);
    assert!(mail.message.contains("Subject: Permohonan konsultasi hukum diterima"), "{}", mail.message);
    assert_eq!(counter(&server, "sigap_outbox_failed_total"), 0);
    server.stop();
}

/// With STARTTLS required, a submission against this server must fail to
/// deliver, and the server must receive nothing.
fn nothing_arrives(offers_starttls: bool, trust_test_ca: bool, why: &str) {
    let (port, delivered) = submission_server(offers_starttls);
    let dir = tempfile::tempdir().unwrap();
    let ca =
        if trust_test_ca { format!("ca_file = {:?}\n", fixture("ca.pem").to_str().unwrap()) } else { String::new() };
    let server = server_with(
        dir.path(),
        &format!(
            "host = \"127.0.0.1\"\nport = {port}\nfrom = \"noreply@example.go.id\"\nsecurity = \"starttls\"\n\
             username = \"layanan-hukum\"\npassword_file = {{password_file}}\n{ca}"
        ),
    );
    submit(&server);
    wait_for_a_failed_delivery(&server);
    assert!(delivered.try_recv().is_err(), "{why}");
    server.stop();
}

#[test]
fn an_untrusted_certificate_gets_nothing_and_the_item_waits() {
    // No ca_file: the test authority is not among the system's.
    nothing_arrives(true, false, "nothing reached a server whose certificate does not verify");
}

#[test]
fn a_server_without_starttls_gets_nothing_when_it_is_required() {
    nothing_arrives(false, true, "no message and no password over a plain connection");
}

/// A server whose webhook goes to the HTTPS receiver on `port`, trusting the test CA or not.
fn server_with_webhook(dir: &Path, port: u16, trust_test_ca: bool) -> Server {
    let ca =
        if trust_test_ca { format!("ca_file = {:?}\n", fixture("ca.pem").to_str().unwrap()) } else { String::new() };
    server_with(
        dir,
        &format!(
            "[[webhooks]]\norganisation = \"sumbar-biro-hukum\"\nname = \"spbe\"\n\
             url = \"https://127.0.0.1:{port}/events\"\nsecret = \"rahasia-bersama\"\n{ca}"
        ),
    )
}

#[test]
fn webhooks_go_out_over_verified_https() {
    let (port, received) = https_receiver();
    let dir = tempfile::tempdir().unwrap();
    let server = server_with_webhook(dir.path(), port, true);
    submit(&server);
    let (head, body) = received.recv_timeout(Duration::from_secs(60)).expect("a webhook over TLS");
    assert!(head.starts_with("POST /events HTTP/1.1"), "{head}");
    assert!(head.to_ascii_lowercase().contains("x-sigap-signature: t="), "{head}");
    let event: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert!(event.is_object(), "{event}");
    assert_eq!(counter(&server, "sigap_outbox_failed_total"), 0);
    server.stop();
}

#[test]
fn a_webhook_with_an_untrusted_certificate_gets_nothing() {
    let (port, received) = https_receiver();
    let dir = tempfile::tempdir().unwrap();
    let server = server_with_webhook(dir.path(), port, false);
    submit(&server);
    wait_for_a_failed_delivery(&server);
    assert!(received.try_recv().is_err(), "nothing reached a receiver whose certificate does not verify");
    server.stop();
}

/// `sigap serve` with this `[smtp]` section (or these `[[webhooks]]`): it
/// must refuse to start, saying why.
fn refused(smtp: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("sigap.toml");
    let text = if smtp.starts_with("[[webhooks]]") { smtp.to_owned() } else { format!("[smtp]\n{smtp}") };
    std::fs::write(&config, text).unwrap();
    let mut child = std::process::Command::new(bin())
        .args(["serve", "--listen", "127.0.0.1:0", "--config"])
        .arg(&config)
        .arg("--workflows")
        .arg(sigap_tests::workflows_dir())
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .env_remove("DATABASE_URL")
        .env_remove("SIGAP_SMTP_PASSWORD")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // A server that wrongly starts would run forever: give it a minute to refuse.
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("sigap serve did not refuse {smtp}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(!status.success(), "sigap serve ended well with {smtp}");
    let mut output = String::new();
    child.stderr.take().unwrap().read_to_string(&mut output).unwrap();
    child.stdout.take().unwrap().read_to_string(&mut output).unwrap();
    output
}

#[test]
fn settings_that_cannot_work_or_would_leak_stop_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let password = dir.path().join("pw");
    std::fs::write(&password, "x\n").unwrap();
    let pw = password.to_str().unwrap();
    let clear = refused(&format!(
        "host = \"mail.example.go.id\"\nfrom = \"a@example.go.id\"\nusername = \"u\"\npassword_file = {pw:?}\n"
    ));
    assert!(clear.contains("never sent over an unprotected connection"), "{clear}");
    let no_ca = refused(
        "host = \"mail.example.go.id\"\nfrom = \"a@example.go.id\"\nsecurity = \"tls\"\nca_file = \"/tidak/ada.pem\"\n",
    );
    assert!(no_ca.contains("smtp.ca_file /tidak/ada.pem: cannot read"), "{no_ca}");
    let not_pem = refused(&format!(
        "host = \"mail.example.go.id\"\nfrom = \"a@example.go.id\"\nsecurity = \"tls\"\nca_file = {pw:?}\n"
    ));
    assert!(not_pem.contains("holds no PEM certificate"), "{not_pem}");
    let bad_from = refused("host = \"mail.example.go.id\"\nfrom = \"bukan alamat\"\n");
    assert!(bad_from.contains("smtp.from"), "{bad_from}");

    let hook = |rest: &str| format!("[[webhooks]]\norganisation = \"o\"\nname = \"n\"\nsecret = \"s\"\n{rest}");
    let ftp = refused(&hook("url = \"ftp://spbe.example.go.id/x\"\n"));
    assert!(ftp.contains("webhook \"n\" of o") && ftp.contains("must start with http:// or https://"), "{ftp}");
    let plain_with_ca = refused(&hook(&format!("url = \"http://spbe.internal/x\"\nca_file = {pw:?}\n")));
    assert!(plain_with_ca.contains("is not https://"), "{plain_with_ca}");
    let twice =
        refused(&format!("{}{}", hook("url = \"http://a.internal/x\"\n"), hook("url = \"http://b.internal/x\"\n")));
    assert!(twice.contains("configured twice"), "{twice}");
}
