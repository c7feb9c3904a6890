//! A small JSON-over-HTTP client for the end-to-end tests.

#![allow(dead_code, unreachable_pub, unused_imports)]

pub mod in_process;

use std::path::Path;
use std::sync::Arc;

use serde_json::Value;
use sigap_core::workflow::Workflow;

/// The `sigap` binary cargo built for these tests.
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_sigap")
}

/// Talks to one server: the real binary over HTTP, or the library's router
/// in this process ([`Api::in_process`]).
pub struct Api {
    transport: Transport,
    /// `http://127.0.0.1:<port>` (in-process: the configured base URL).
    pub url: String,
}

enum Transport {
    Http(ureq::Agent),
    /// The service in this process ([`in_process::Service`]).
    InProcess(Arc<in_process::Service>),
}

/// A response: status and JSON body (`Null` when not JSON).
#[derive(Debug, Clone)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// The body as JSON.
    pub json: Value,
    /// The body as bytes.
    pub bytes: Vec<u8>,
    /// Response headers of interest.
    pub content_type: String,
    /// `Content-Disposition`.
    pub disposition: String,
}

impl Reply {
    /// The error code of an error body.
    pub fn code(&self) -> &str {
        self.json["error"]["code"].as_str().unwrap_or("")
    }
}

/// A multipart part.
pub enum Part<'a> {
    /// A text field.
    Text(&'a str, &'a str),
    /// A file: field name, file name, bytes.
    File(&'a str, &'a str, &'a [u8]),
}

fn read(response: ureq::http::Response<ureq::Body>) -> Reply {
    let status = response.status().as_u16();
    let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let content_type = header("content-type");
    let disposition = header("content-disposition");
    let bytes = response.into_body().read_to_vec().unwrap_or_default();
    let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Reply { status, json, bytes, content_type, disposition }
}

impl Api {
    /// A client for a server.
    pub fn new(url: &str) -> Self {
        Self { transport: Transport::Http(sigap_tests::Server::agent()), url: url.to_owned() }
    }

    /// A client of a service running in this process.
    pub fn of(service: &Arc<in_process::Service>) -> Self {
        Self { transport: Transport::InProcess(service.clone()), url: service.url.clone() }
    }

    /// The whole service in this process from `config` (configuration-file
    /// TOML, no environment), every request from the client address `client`.
    pub fn in_process_with(config: &str, client: std::net::SocketAddr) -> Self {
        Self::of(&Arc::new(in_process::Service::start(config, client)))
    }

    /// The service in this process on the shipped workflows, the embedded
    /// store in `data_dir` and the demo accounts.
    pub fn in_process(data_dir: &Path) -> Self {
        Self::of(&Arc::new(in_process::Service::sled(data_dir)))
    }

    /// Sends one request in-process; `None` over HTTP.
    fn in_process_send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> Option<Reply> {
        let Transport::InProcess(service) = &self.transport else { return None };
        let mut request = axum::http::Request::builder().method(method).uri(path);
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        let response = service.send(request.body(axum::body::Body::from(body)).expect("a valid request"));
        let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
        let (content_type, disposition) = (header("content-type"), header("content-disposition"));
        let status = response.status().as_u16();
        let bytes = response.into_body();
        let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Some(Reply { status, json, bytes, content_type, disposition })
    }

    fn agent(&self) -> &ureq::Agent {
        match &self.transport {
            Transport::Http(agent) => agent,
            Transport::InProcess(_) => unreachable!("in-process requests never reach the HTTP agent"),
        }
    }

    /// `GET`, with optional extra headers.
    ///
    /// A GET is idempotent, so like any HTTP client it is sent once more when
    /// a kept-alive connection turns out to have been closed by the server
    /// (hyper closes a connection whose request body a handler refused
    /// without reading, e.g. a 401 before the JSON; the pool may hand it out
    /// again before the close arrives).
    pub fn get(&self, path: &str, headers: &[(&str, &str)]) -> Reply {
        if let Some(reply) = self.in_process_send("GET", path, headers, None, Vec::new()) {
            return reply;
        }
        let send = || {
            let mut request = self.agent().get(&format!("{}{path}", self.url));
            for (k, v) in headers {
                request = request.header(*k, *v);
            }
            request.call()
        };
        let reply = match send() {
            Err(ureq::Error::Io(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => send(),
            other => other,
        };
        read(reply.expect("the server answers"))
    }

    /// `POST` a JSON body.
    pub fn post(&self, path: &str, headers: &[(&str, &str)], body: &Value) -> Reply {
        let bytes = serde_json::to_vec(body).unwrap();
        if let Some(reply) = self.in_process_send("POST", path, headers, Some("application/json"), bytes) {
            return reply;
        }
        let mut request = self.agent().post(&format!("{}{path}", self.url)).header("content-type", "application/json");
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        read(request.send(serde_json::to_vec(body).unwrap()).expect("the server answers"))
    }

    /// `POST` raw bytes with a content type.
    pub fn post_raw(&self, path: &str, headers: &[(&str, &str)], content_type: &str, body: &[u8]) -> Reply {
        if let Some(reply) = self.in_process_send("POST", path, headers, Some(content_type), body.to_vec()) {
            return reply;
        }
        let mut request = self.agent().post(&format!("{}{path}", self.url)).header("content-type", content_type);
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        read(request.send(body).expect("the server answers"))
    }

    /// `POST` raw bytes; `None` when the server closed the connection while the body was still being sent.
    pub fn try_post_raw(&self, path: &str, content_type: &str, body: &[u8]) -> Option<Reply> {
        if let Some(reply) = self.in_process_send("POST", path, &[], Some(content_type), body.to_vec()) {
            return Some(reply);
        }
        let request = self.agent().post(&format!("{}{path}", self.url)).header("content-type", content_type);
        request.send(body).ok().map(read)
    }

    /// [`Api::try_post_raw`] with headers.
    pub fn try_post_raw_with(
        &self,
        path: &str,
        headers: &[(&str, &str)],
        content_type: &str,
        body: &[u8],
    ) -> Option<Reply> {
        if let Some(reply) = self.in_process_send("POST", path, headers, Some(content_type), body.to_vec()) {
            return Some(reply);
        }
        let mut request = self.agent().post(&format!("{}{path}", self.url)).header("content-type", content_type);
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        request.send(body).ok().map(read)
    }

    /// `POST` multipart/form-data.
    pub fn post_multipart(&self, path: &str, headers: &[(&str, &str)], parts: &[Part<'_>]) -> Reply {
        let boundary = "sigap-e2e-boundary-7MA4YWxkTrZu0gW";
        let mut body = Vec::new();
        for part in parts {
            body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            match part {
                Part::Text(name, value) => {
                    body.extend_from_slice(
                        format!("content-disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
                    );
                }
                Part::File(name, file, bytes) => {
                    body.extend_from_slice(
                        format!("content-disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\ncontent-type: application/octet-stream\r\n\r\n")
                            .as_bytes(),
                    );
                    body.extend_from_slice(bytes);
                    body.extend_from_slice(b"\r\n");
                }
            }
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        self.post_raw(path, headers, &format!("multipart/form-data; boundary={boundary}"), &body)
    }

    /// `DELETE`.
    pub fn delete(&self, path: &str, headers: &[(&str, &str)]) -> Reply {
        if let Some(reply) = self.in_process_send("DELETE", path, headers, None, Vec::new()) {
            return reply;
        }
        let mut request = self.agent().delete(&format!("{}{path}", self.url));
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        read(request.call().expect("the server answers"))
    }

    /// Signs in and returns the bearer header value.
    pub fn sign_in(&self, user: &str) -> String {
        let reply = self.post("/api/v1/session", &[], &serde_json::json!({ "user": user, "password": "sigap-demo" }));
        assert_eq!(reply.status, 201, "sign in {user}: {:?}", reply.json);
        format!("Bearer {}", reply.json["token"].as_str().unwrap())
    }
}

pub use sigap_tests::sumbar_form;

/// A small valid PDF.
pub fn pdf(label: &str) -> Vec<u8> {
    format!("%PDF-1.4\n% {label}\n1 0 obj << >> endobj\n%%EOF\n").into_bytes()
}

/// The shipped West Sumatra workflow with its calendar, loaded independently of the server.
pub fn sumbar() -> Workflow {
    let root = sigap_tests::workflows_dir();
    let file = root.join("sumbar/konsultasi-hukum.toml");
    Workflow::load(&file.display().to_string(), &std::fs::read_to_string(&file).unwrap(), &mut |base, path| {
        let full = Path::new(base).parent().unwrap().join(path);
        let text = std::fs::read_to_string(&full).map_err(|e| e.to_string())?;
        Ok((full.display().to_string(), text))
    })
    .unwrap_or_else(|e| panic!("{e}"))
}
