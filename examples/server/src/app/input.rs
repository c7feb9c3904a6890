//! Reading what a client sends: JSON, multipart with files, or an HTML form.
//!
//! Files are checked by content against the field they are for
//! (`sigap_core::form::check_upload`: size, type by magic bytes, safe name)
//! and stored through the storage seam before the command runs; a rejected
//! command leaves only an unreferenced, content-addressed blob behind.

use std::collections::BTreeMap;

use axum::extract::{FromRequest, Multipart, Request};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use sigap_core::definition::Field;
use sigap_core::form::{FieldError, FileRef, Input, check_upload};
use sigap_core::storage::Store;

use super::error::{AppError, Kind};

/// A file part of a multipart body.
#[derive(Debug, Clone)]
pub(crate) struct FilePart {
    /// The form part's name (the field id, possibly prefixed `form.`).
    pub(crate) name: String,
    /// The file name the client gave.
    pub(crate) file_name: String,
    /// The bytes.
    pub(crate) bytes: Vec<u8>,
}

/// What the client sent, before it is matched to fields.
#[derive(Debug, Default, Clone)]
pub(crate) struct RawInput {
    /// Values by part name (`form.x` and `inputs.x` keep their prefix).
    pub(crate) values: BTreeMap<String, Input>,
    /// File parts.
    pub(crate) files: Vec<FilePart>,
    /// The raw bytes of a JSON body, for idempotency fingerprints.
    pub(crate) digest_material: Vec<u8>,
}

impl<S: Send + Sync> FromRequest<S> for RawInput {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let content_type =
            request.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_ascii_lowercase();
        if content_type.starts_with("application/json") {
            let bytes = axum::body::Bytes::from_request(request, state).await.map_err(body_error)?;
            let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
                AppError::bad_request("malformed_json", format!("the body is not valid JSON: {e}"))
                    .id("Isi permintaan bukan JSON yang sah.")
            })?;
            let mut raw = RawInput { digest_material: bytes.to_vec(), ..RawInput::default() };
            raw.flatten_json(&value)?;
            Ok(raw)
        } else if content_type.starts_with("multipart/form-data") {
            let mut multipart = Multipart::from_request(request, state).await.map_err(|e| {
                AppError::bad_request("malformed_multipart", format!("the multipart body cannot be read: {e}"))
            })?;
            let mut raw = RawInput::default();
            while let Some(field) = multipart.next_field().await.map_err(multipart_error)? {
                let name = field.name().unwrap_or_default().to_owned();
                if name.is_empty() {
                    continue;
                }
                match field.file_name().map(str::to_owned) {
                    Some(file_name) => {
                        let bytes = field.bytes().await.map_err(multipart_error)?;
                        if !bytes.is_empty() || !file_name.is_empty() {
                            raw.digest_material.extend_from_slice(&bytes);
                            raw.files.push(FilePart { name, file_name, bytes: bytes.to_vec() });
                        }
                    }
                    None => {
                        let text = field.text().await.map_err(multipart_error)?;
                        raw.digest_material.extend_from_slice(name.as_bytes());
                        raw.digest_material.extend_from_slice(text.as_bytes());
                        raw.push_text(name, text);
                    }
                }
            }
            Ok(raw)
        } else if content_type.starts_with("application/x-www-form-urlencoded") {
            let bytes = axum::body::Bytes::from_request(request, state).await.map_err(body_error)?;
            let mut raw = RawInput { digest_material: bytes.to_vec(), ..RawInput::default() };
            for (name, value) in form_urlencoded(&bytes) {
                raw.push_text(name, value);
            }
            Ok(raw)
        } else {
            Err(AppError::new(
                Kind::UnsupportedMedia,
                "unsupported_media_type",
                "send application/json, multipart/form-data or application/x-www-form-urlencoded",
            ))
        }
    }
}

fn body_error(e: axum::extract::rejection::BytesRejection) -> AppError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::new(Kind::TooLarge, "too_large", "the request body is too large").id("Isian terlalu besar.")
    } else {
        AppError::bad_request("unreadable_body", format!("the body cannot be read: {e}"))
    }
}

fn multipart_error(e: axum::extract::multipart::MultipartError) -> AppError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::new(Kind::TooLarge, "too_large", "the upload is too large").id("Berkas terlalu besar.")
    } else {
        AppError::bad_request("malformed_multipart", format!("the multipart body cannot be read: {}", e.body_text()))
    }
}

/// Decodes `a=1&b=2` (application/x-www-form-urlencoded).
pub(crate) fn form_urlencoded(bytes: &[u8]) -> Vec<(String, String)> {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let decode = |s: &str| -> String {
        let s = s.replace('+', " ");
        let bytes = s.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%'
                && i + 2 < bytes.len()
                && let (Some(high), Some(low)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
            {
                out.push(high * 16 + low);
                i += 3;
                continue;
            }
            out.push(bytes[i]);
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    };
    String::from_utf8_lossy(bytes)
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(k), decode(v))
        })
        .collect()
}

impl RawInput {
    fn push_text(&mut self, name: String, text: String) {
        // `name[]` (ticked boxes of one list) collects its values, joined
        // with commas; a checkbox repeated (hidden "off" + "on") keeps the last.
        if let Some(list) = name.strip_suffix("[]") {
            match self.values.get_mut(list) {
                Some(Input::Text(joined)) if !text.is_empty() => {
                    if !joined.is_empty() {
                        joined.push(',');
                    }
                    joined.push_str(&text);
                }
                Some(_) => {}
                None => {
                    self.values.insert(list.to_owned(), Input::Text(text));
                }
            }
            return;
        }
        self.values.insert(name, Input::Text(text));
    }

    fn flatten_json(&mut self, value: &serde_json::Value) -> Result<(), AppError> {
        let Some(object) = value.as_object() else {
            return Err(AppError::bad_request("malformed_json", "the body must be a JSON object"));
        };
        for (key, value) in object {
            match (key.as_str(), value) {
                ("inputs" | "form" | "answers", serde_json::Value::Object(fields)) => {
                    for (field, value) in fields {
                        let input = Input::from_json(value).ok_or_else(|| {
                            AppError::bad_request(
                                "malformed_json",
                                format!("`{key}.{field}` has a value of an unusable type"),
                            )
                        })?;
                        let name = if key == "inputs" { field.clone() } else { format!("{key}.{field}") };
                        self.values.insert(name, input);
                    }
                }
                ("expected_version", serde_json::Value::Number(n)) => {
                    self.values.insert("expected_version".to_owned(), Input::Text(n.to_string()));
                }
                ("expected_version", serde_json::Value::Null) => {}
                ("inputs" | "form" | "answers" | "expected_version", _) => {
                    return Err(AppError::bad_request("malformed_json", format!("`{key}` has the wrong type")));
                }
                (other, _) => {
                    return Err(AppError::bad_request(
                        "malformed_json",
                        format!("unknown key `{other}`: send `inputs`, `form`, `answers` and `expected_version`"),
                    ));
                }
            }
        }
        Ok(())
    }

    /// The expected version, if the client sent one.
    pub(crate) fn expected_version(&self) -> Result<Option<u64>, AppError> {
        match self.values.get("expected_version") {
            None => Ok(None),
            Some(Input::Text(t)) if t.trim().is_empty() => Ok(None),
            Some(Input::Text(t)) => {
                t.trim().parse().map(Some).map_err(|_| {
                    AppError::bad_request("malformed_version", "`expected_version` must be a whole number")
                })
            }
            Some(Input::Number(n)) => u64::try_from(*n)
                .map(Some)
                .map_err(|_| AppError::bad_request("malformed_version", "`expected_version` must be a whole number")),
            Some(_) => Err(AppError::bad_request("malformed_version", "`expected_version` must be a whole number")),
        }
    }

    /// The values under `prefix.` (e.g. `form.`), with the prefix removed;
    /// with an empty prefix, the values without any prefix.
    pub(crate) fn group(&self, prefix: &str) -> BTreeMap<String, Input> {
        self.values
            .iter()
            .filter_map(|(k, v)| {
                if prefix.is_empty() {
                    (!k.contains('.') && k != "expected_version" && !k.starts_with('_')).then(|| (k.clone(), v.clone()))
                } else {
                    k.strip_prefix(prefix).and_then(|k| k.strip_prefix('.')).map(|k| (k.to_owned(), v.clone()))
                }
            })
            .collect()
    }

    /// Checks and stores the file parts under `prefix` against `fields`, adding them as inputs.
    ///
    /// Problems are collected per field; a file for a field that takes none is an error too.
    pub(crate) async fn attach_files(
        &self,
        store: &dyn Store,
        organisation: &str,
        prefix: &str,
        fields: &[Field],
        into: &mut BTreeMap<String, Input>,
    ) -> Result<(), AppError> {
        let mut errors = Vec::new();
        let mut by_field: BTreeMap<String, Vec<FileRef>> = BTreeMap::new();
        for part in &self.files {
            let name = if prefix.is_empty() {
                if part.name.contains('.') {
                    continue;
                }
                part.name.as_str()
            } else {
                match part.name.strip_prefix(prefix).and_then(|n| n.strip_prefix('.')) {
                    Some(n) => n,
                    None => continue,
                }
            };
            let Some(field) = fields.iter().find(|f| f.id == name) else {
                errors.push(FieldError {
                    field: name.to_owned(),
                    code: "unknown-field",
                    message: format!("Tidak ada isian `{name}` yang menerima berkas."),
                    message_en: format!("There is no field `{name}` that takes a file."),
                });
                continue;
            };
            match check_upload(field, &part.file_name, &part.bytes) {
                Ok(file) => {
                    store.put_blob(organisation, &file.id, &part.bytes).await?;
                    by_field.entry(field.id.clone()).or_default().push(file);
                }
                Err(e) => errors.push(e),
            }
        }
        if !errors.is_empty() {
            return Err(AppError::invalid(&errors));
        }
        for (field, files) in by_field {
            match into.get_mut(&field) {
                Some(Input::Files(existing)) => existing.extend(files),
                _ => {
                    into.insert(field, Input::Files(files));
                }
            }
        }
        Ok(())
    }
}

/// JSON file references must point at blobs this organisation already stored.
pub(crate) async fn check_file_refs(
    store: &dyn Store,
    organisation: &str,
    inputs: &BTreeMap<String, Input>,
) -> Result<(), AppError> {
    let mut errors = Vec::new();
    for (field, input) in inputs {
        if let Input::Files(files) = input {
            for file in files {
                if store.blob(organisation, &file.id).await?.is_none() {
                    errors.push(FieldError {
                        field: field.clone(),
                        code: "file-unknown",
                        message: format!("Berkas {} belum diunggah.", file.name),
                        message_en: format!("The file {} was not uploaded.", file.name),
                    });
                }
            }
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(AppError::invalid(&errors)) }
}
