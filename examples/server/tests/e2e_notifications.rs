//! Notifications leave the outbox: e-mail through an SMTP relay (here a
//! minimal one in the test) and signed webhooks (here a minimal receiver),
//! each carrying a stable delivery id and no personal data in the webhook.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc;
use std::time::Duration;

use hmac::{Hmac, Mac};
use serde_json::json;
use sha2::Sha256;
use support::in_process::{Service, sled_config};
use support::{Api, sumbar_form};

/// Accepts SMTP sessions and sends each message's text down the channel.
fn smtp_relay() -> (u16, mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming().map_while(Result::ok) {
            let tx = tx.clone();
            std::thread::spawn(move || smtp_session(stream, &tx));
        }
    });
    (port, rx)
}

fn smtp_session(stream: TcpStream, tx: &mpsc::Sender<String>) {
    let mut writer = stream.try_clone().unwrap();
    let mut reader = BufReader::new(stream);
    let _ = writer.write_all(b"220 relay.test ESMTP\r\n");
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let command = line.trim_end().to_ascii_uppercase();
        if command.starts_with("EHLO") || command.starts_with("HELO") {
            let _ = writer.write_all(b"250-relay.test\r\n250 8BITMIME\r\n");
        } else if command == "DATA" {
            let _ = writer.write_all(b"354 go ahead\r\n");
            let mut message = String::new();
            loop {
                line.clear();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == ".\r\n" {
                    break;
                }
                message.push_str(&line);
            }
            let _ = tx.send(message);
            let _ = writer.write_all(b"250 queued\r\n");
        } else if command == "QUIT" {
            let _ = writer.write_all(b"221 bye\r\n");
            return;
        } else {
            let _ = writer.write_all(b"250 ok\r\n");
        }
    }
}

/// Accepts HTTP requests and sends (headers, body) down the channel, answering 200.
fn webhook_receiver() -> (u16, mpsc::Receiver<(String, Vec<u8>)>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().map_while(Result::ok) {
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut head = String::new();
            let mut length = 0usize;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
                head.push_str(&line);
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
            let _ = tx.send((head, body));
        }
    });
    (port, rx)
}

fn header<'a>(head: &'a str, name: &str) -> &'a str {
    head.lines()
        .find_map(|l| l.split_once(':').filter(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.trim()))
        .unwrap_or("")
}

#[test]
fn e_mail_and_signed_webhooks_go_out() {
    let (smtp_port, mails) = smtp_relay();
    let (hook_port, hooks) = webhook_receiver();
    let dir = tempfile::tempdir().unwrap();
    let config = format!(
        "{}\n[smtp]\nhost = \"127.0.0.1\"\nport = {smtp_port}\nfrom = \"Layanan Hukum <noreply@example.go.id>\"\n\n\
             [[webhooks]]\norganisation = \"sumbar-biro-hukum\"\nname = \"spbe\"\nurl = \"http://127.0.0.1:{hook_port}/events\"\nsecret = \"rahasia-bersama\"\n",
        sled_config(&dir.path().join("data"))
    );
    let server = std::sync::Arc::new(Service::start(&config, "127.0.0.1:50000".parse().unwrap()));
    let api = Api::of(&server);
    let receipt =
        api.post("/api/v1/workflows/konsultasi-hukum-asn/cases", &[], &json!({ "form": sumbar_form("Nurul Hidayah") }));
    assert_eq!(receipt.status, 201);
    let code = receipt.json["tracking_code"].as_str().unwrap();
    server.wake();

    let mail = mails.recv_timeout(Duration::from_secs(60)).expect("an e-mail to the applicant");
    assert!(mail.contains("To: siti@example.go.id"), "{mail}");
    assert!(mail.contains(&format!("Subject: Permohonan konsultasi hukum diterima ({code})")), "{mail}");
    assert!(mail.contains(&format!("{}/lacak/{code}", server.url)), "the link is filled in: {mail}");
    assert!(mail.to_ascii_lowercase().contains("message-id: <"), "a stable Message-ID lets receivers drop duplicates");
    // The organisation's complaint channels close every e-mail to the applicant (issue 19).
    assert!(mail.contains("Pengaduan dapat disampaikan melalui:") && mail.contains("@birohukumsumbar"), "{mail}");

    let mut seen = Vec::new();
    while seen.len() < 3 {
        let (head, body) = hooks.recv_timeout(Duration::from_secs(60)).expect("webhooks for the submission's events");
        let signature = header(&head, "x-sigap-signature");
        let (t, v1) = signature.split_once(",v1=").unwrap();
        let t = t.strip_prefix("t=").unwrap();
        let mut mac = Hmac::<Sha256>::new_from_slice(b"rahasia-bersama").unwrap();
        mac.update(format!("{t}.").as_bytes());
        mac.update(&body);
        let expected: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(v1, expected, "the signature verifies");
        assert!(!header(&head, "x-sigap-delivery").is_empty());
        let text = String::from_utf8(body).unwrap();
        assert!(!text.contains("Nurul") && !text.contains("19820414"), "no personal data in webhooks: {text}");
        seen.push(serde_json::from_str::<serde_json::Value>(&text).unwrap());
    }
    assert!(seen.iter().any(|event| event["type"] == "submitted" && event["stage"] == "verifikasi"));
    let log = server.stop();
    assert!(log.contains("e-mail sent"), "{log}");
    assert!(!log.contains("siti@example.go.id"), "addresses stay out of the log");
}
