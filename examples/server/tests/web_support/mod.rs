//! Shared helpers of the web tests: a cookie-keeping HTTP client that does
//! not follow redirects, form posts (URL-encoded and multipart), HTML
//! queries, sample files and a valid request.

#![allow(dead_code, unreachable_pub)]

#[path = "../support/in_process.rs"]
pub mod in_process;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use scraper::{Html, Selector};

pub use self::in_process::Service;

/// A browser-like client: keeps cookies (with their paths), never follows
/// redirects; talks HTTP to a server, or to a service in this process.
pub struct Client {
    agent: ureq::Agent,
    /// `http://127.0.0.1:<port>` (in-process: the configured base URL).
    pub base: String,
    service: Option<Arc<Service>>,
    cookies: BTreeMap<(String, String), String>,
}

/// A response.
pub struct Page {
    pub status: u16,
    pub location: Option<String>,
    pub body: String,
    pub headers: Vec<(String, String)>,
}

impl Page {
    pub fn doc(&self) -> Html {
        Html::parse_document(&self.body)
    }

    /// Texts of the elements matching `css`.
    pub fn texts(&self, css: &str) -> Vec<String> {
        texts(&self.body, css)
    }

    /// The first text matching `css`, trimmed and with whitespace collapsed.
    pub fn text(&self, css: &str) -> String {
        self.texts(css).into_iter().next().unwrap_or_default()
    }

    /// The text of the first element matching `css` as a person copies it:
    /// its text nodes joined as they are, trimmed.
    pub fn copied(&self, css: &str) -> String {
        let selector = Selector::parse(css).expect("a valid selector");
        let doc = self.doc();
        doc.select(&selector).next().map(|e| e.text().collect::<String>().trim().to_owned()).unwrap_or_default()
    }

    /// An attribute of the first element matching `css`.
    pub fn attr(&self, css: &str, name: &str) -> Option<String> {
        let doc = self.doc();
        let selector = Selector::parse(css).expect("a valid selector");
        doc.select(&selector).next().and_then(|e| e.value().attr(name)).map(str::to_owned)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// Texts of the elements matching `css` in `html`.
pub fn texts(html: &str, css: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let selector = Selector::parse(css).expect("a valid selector");
    doc.select(&selector)
        .map(|e| e.text().collect::<Vec<_>>().join(" ").split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

impl Client {
    pub fn new(base: &str) -> Self {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(std::time::Duration::from_secs(120)))
            .build()
            .into();
        Self { agent, base: base.to_owned(), service: None, cookies: BTreeMap::new() }
    }

    /// A client of a service running in this process.
    pub fn of(service: &Arc<Service>) -> Self {
        let mut client = Self::new(&service.url);
        client.service = Some(service.clone());
        client
    }

    /// Sends a request: in-process when the client has a service, over HTTP otherwise.
    fn send(&mut self, method: &str, path: &str, content_type: Option<&str>, body: Vec<u8>) -> Page {
        let cookie = self.cookie_header(path.split('?').next().unwrap_or(path));
        let (status, headers, body) = match &self.service {
            Some(service) => {
                let mut request = axum::http::Request::builder().method(method).uri(path).header("cookie", cookie);
                if let Some(content_type) = content_type {
                    request = request.header("content-type", content_type);
                }
                let response = service.send(request.body(axum::body::Body::from(body)).unwrap());
                let headers = response
                    .headers()
                    .iter()
                    .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
                    .collect();
                (response.status().as_u16(), headers, String::from_utf8_lossy(response.body()).into_owned())
            }
            None => {
                let url = format!("{}{path}", self.base);
                let mut response = match method {
                    "GET" => self.agent.get(url).header("cookie", cookie).call(),
                    _ => self
                        .agent
                        .post(url)
                        .header("cookie", cookie)
                        .header("content-type", content_type.unwrap_or("application/octet-stream"))
                        .send(&body[..]),
                }
                .expect("the server answers");
                let headers = response
                    .headers()
                    .iter()
                    .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
                    .collect();
                let body = response.body_mut().read_to_string().unwrap_or_default();
                (response.status().as_u16(), headers, body)
            }
        };
        self.keep(status, headers, body)
    }

    /// Sets a cookie by hand (e.g. a forged or expired session).
    pub fn set_cookie(&mut self, name: &str, path: &str, value: &str) {
        self.cookies.insert((name.to_owned(), path.to_owned()), value.to_owned());
    }

    /// The value of a kept cookie.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookies.iter().find(|((n, _), _)| n == name).map(|(_, v)| v.clone())
    }

    fn cookie_header(&self, path: &str) -> String {
        self.cookies
            .iter()
            .filter(|((_, p), _)| path == p || path.starts_with(&format!("{}/", p.trim_end_matches('/'))) || p == "/")
            .map(|((n, _), v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep(&mut self, status: u16, headers: Vec<(String, String)>, body: String) -> Page {
        for (k, v) in &headers {
            if k.eq_ignore_ascii_case("set-cookie") {
                let mut parts = v.split(';');
                let (name, value) = parts.next().and_then(|p| p.split_once('=')).unwrap_or(("", ""));
                let mut path = "/".to_owned();
                let mut delete = value.is_empty();
                for attr in parts {
                    let attr = attr.trim();
                    if let Some(p) = attr.strip_prefix("Path=") {
                        path = p.to_owned();
                    }
                    if attr == "Max-Age=0" {
                        delete = true;
                    }
                }
                if delete {
                    self.cookies.remove(&(name.to_owned(), path));
                } else {
                    self.cookies.insert((name.to_owned(), path), value.to_owned());
                }
            }
        }
        let location = headers.iter().find(|(k, _)| k.eq_ignore_ascii_case("location")).map(|(_, v)| v.clone());
        Page { status, location, body, headers }
    }

    pub fn get(&mut self, path: &str) -> Page {
        self.send("GET", path, None, Vec::new())
    }

    /// GET, following redirects within the site.
    pub fn visit(&mut self, path: &str) -> Page {
        let mut page = self.get(path);
        for _ in 0..5 {
            match (page.status, page.location.clone()) {
                (301..=308, Some(next)) => page = self.get(&next),
                _ => break,
            }
        }
        page
    }

    pub fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let body = fields.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect::<Vec<_>>().join("&");
        self.send("POST", path, Some("application/x-www-form-urlencoded"), body.into_bytes())
    }

    pub fn post_multipart(&mut self, path: &str, fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> Page {
        let boundary = "----sigap-test-boundary-7MA4YWxkTrZu0gW";
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                    .as_bytes(),
            );
        }
        for (name, file_name, bytes) in files {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        self.send("POST", path, Some(&format!("multipart/form-data; boundary={boundary}")), body)
    }

    /// Signs a staff member in through the page; panics unless it worked.
    pub fn sign_in(&mut self, user: &str) {
        let page = self.get("/staf");
        let csrf = hidden(&page.body, "_csrf");
        let done =
            self.post_form("/staf", &[("_csrf", &csrf), ("lanjut", ""), ("user", user), ("password", "sigap-demo")]);
        assert_eq!(done.status, 303, "sign-in of {user} failed: {}", done.body);
    }
}

/// The value of a hidden input (the first one named `name`).
pub fn hidden(html: &str, name: &str) -> String {
    let doc = Html::parse_document(html);
    let selector = Selector::parse(&format!("input[name=\"{name}\"]")).expect("a valid selector");
    doc.select(&selector).next().and_then(|e| e.value().attr("value")).unwrap_or_default().to_owned()
}

/// The hidden value `name` inside the form matching `form_css`.
pub fn hidden_in(html: &str, form_css: &str, name: &str) -> String {
    let doc = Html::parse_document(html);
    let selector = Selector::parse(&format!("{form_css} input[name=\"{name}\"]")).expect("a valid selector");
    doc.select(&selector).next().and_then(|e| e.value().attr("value")).unwrap_or_default().to_owned()
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A small valid PDF.
pub fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n".to_vec()
}

/// A PNG's bytes (to disguise as a PDF).
pub fn png() -> Vec<u8> {
    let mut bytes = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, b'I', b'H', b'D', b'R'];
    bytes.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1F, 0x15, 0xC4, 0x89]);
    bytes.extend_from_slice(&[0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xAE, 0x42, 0x60, 0x82]);
    bytes
}

/// A valid request to the West Sumatra service, as form fields.
pub fn valid_request() -> Vec<(&'static str, &'static str)> {
    vec![
        ("nama", "Rina Marlina"),
        ("nip", "19820414 200604 2 003"),
        ("jabatan", "Analis Kebijakan"),
        ("unit_kerja", "Dinas Pendidikan"),
        ("alamat", "Jl. Khatib Sulaiman No. 1, Padang"),
        ("telepon", "0812 3456 7890"),
        ("email", "rina.marlina@example.go.id"),
        ("kategori", "kepegawaian"),
        ("produk_diharapkan", ""),
        ("pokok_masalah", "Keberatan atas hukuman disiplin"),
        ("uraian", "Saya menerima surat keputusan hukuman disiplin tanpa pemeriksaan sebelumnya oleh atasan."),
        ("pertanyaan", "Apakah saya dapat mengajukan keberatan, dan bagaimana caranya?"),
        ("persetujuan", "true"),
    ]
}

/// Where screenshots go: `target/screenshots/` of the workspace (CI keeps it as an artefact).
pub fn screenshots_dir() -> PathBuf {
    let dir = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"), PathBuf::from)
        .join("screenshots");
    std::fs::create_dir_all(&dir).expect("a screenshots folder");
    dir
}

/// A session token for a demo account (password `sigap-demo`) through the API.
pub fn api_token(service: &Service, user: &str) -> String {
    let body = serde_json::json!({ "user": user, "password": "sigap-demo" }).to_string();
    let request = axum::http::Request::builder()
        .method("POST")
        .uri("/api/v1/session")
        .header("content-type", "application/json")
        .body(axum::body::Body::from(body))
        .unwrap();
    let response = service.send(request);
    assert_eq!(response.status(), 201, "signing in as {user}: {}", String::from_utf8_lossy(response.body()));
    let session: serde_json::Value = serde_json::from_slice(response.body()).unwrap();
    session["token"].as_str().unwrap().to_owned()
}

/// The service in this process on a fresh sled folder with demo accounts.
pub fn server(dir: &std::path::Path) -> Arc<Service> {
    Arc::new(Service::sled(dir))
}

/// The real binary on a fresh sled folder with demo accounts (for a browser, which needs a port).
pub fn binary_server(dir: &std::path::Path) -> sigap_tests::Server {
    sigap_tests::Server::start(&sigap_tests::Options::sled(env!("CARGO_BIN_EXE_sigap"), dir))
}
