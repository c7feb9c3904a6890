//! What people submit ([`Input`]) and what a case stores ([`Value`]).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::human::{self, Lang};
use crate::definition::{Field, FieldKind, FileType, Product};

/// An uploaded file, stored apart from the case and referred to by its hash.
///
/// [`super::check_upload`] makes one from the bytes a person uploads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FileRef {
    /// Lowercase hex SHA-256 of the bytes (64 characters).
    pub id: String,
    /// The sanitised file name, with an extension matching `file_type`.
    pub name: String,
    /// The type recognised from the content.
    pub file_type: FileType,
    /// Size in bytes.
    pub size: u64,
}

/// A value as it arrives from a person: an HTML form field or a JSON value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// Typed or selected text (HTML sends every field as text).
    Text(String),
    /// A checkbox or a JSON boolean.
    Bool(bool),
    /// A JSON integer.
    Number(i64),
    /// Files already uploaded and checked with [`super::check_upload`].
    Files(Vec<FileRef>),
}

impl Input {
    /// The input a JSON value carries: a string is text, a boolean a
    /// boolean, an integer (fitting `i64`) a number and an array of
    /// [`FileRef`] objects files. Anything else (null, a fraction, an
    /// object, an array holding something other than file references) is
    /// `None`.
    pub fn from_json(json: &serde_json::Value) -> Option<Input> {
        match json {
            serde_json::Value::String(s) => Some(Input::Text(s.clone())),
            serde_json::Value::Bool(b) => Some(Input::Bool(*b)),
            serde_json::Value::Number(n) => n.as_i64().map(Input::Number),
            serde_json::Value::Array(items) => {
                items.iter().map(|item| FileRef::deserialize(item).ok()).collect::<Option<Vec<_>>>().map(Input::Files)
            }
            serde_json::Value::Null | serde_json::Value::Object(_) => None,
        }
    }

    /// Whether the input counts as not given: an empty or all-whitespace
    /// text, or no files.
    pub fn is_blank(&self) -> bool {
        match self {
            Input::Text(s) => s.trim().is_empty(),
            Input::Files(files) => files.is_empty(),
            Input::Bool(_) | Input::Number(_) => false,
        }
    }
}

impl From<&str> for Input {
    fn from(text: &str) -> Self {
        Input::Text(text.to_owned())
    }
}

impl From<String> for Input {
    fn from(text: String) -> Self {
        Input::Text(text)
    }
}

impl From<bool> for Input {
    fn from(value: bool) -> Self {
        Input::Bool(value)
    }
}

impl From<i64> for Input {
    fn from(value: i64) -> Self {
        Input::Number(value)
    }
}

impl From<Vec<FileRef>> for Input {
    fn from(files: Vec<FileRef>) -> Self {
        Input::Files(files)
    }
}

/// A checked value, as a case stores it.
///
/// Serialised adjacently tagged: `{"type": "text", "value": "…"}`, with
/// `type` one of `text`, `bool`, `number`, `date` (value `YYYY-MM-DD`),
/// `choice` and `files`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Value {
    /// Text, trimmed; e-mail, phone and NIP values in their normal form
    /// (domain in lowercase, `+62…`, 18 digits).
    Text(String),
    /// A consent (or any yes/no).
    Bool(bool),
    /// A score.
    Number(i64),
    /// A calendar date.
    Date(NaiveDate),
    /// The id of a `choice` option or of a product.
    Choice(String),
    /// Uploaded files.
    Files(Vec<FileRef>),
}

impl Value {
    /// The files of a `file` value; none for other values.
    pub fn files(&self) -> &[FileRef] {
        match self {
            Value::Files(files) => files,
            _ => &[],
        }
    }

    /// The value for people (in Bahasa Indonesia, as the forms are):
    /// `Ya`/`Tidak`, `28 November 2026`, `surat.pdf (1,2 MiB)`. A choice shows
    /// its id; see [`Value::display_for`] for its label.
    pub fn display(&self) -> String {
        match self {
            Value::Text(text) | Value::Choice(text) => text.clone(),
            Value::Bool(true) => "Ya".to_owned(),
            Value::Bool(false) => "Tidak".to_owned(),
            Value::Number(n) => n.to_string(),
            Value::Date(date) => human::date(*date, Lang::Id),
            Value::Files(files) => files
                .iter()
                .map(|f| format!("{} ({})", f.name, human::size(f.size, Lang::Id)))
                .collect::<Vec<_>>()
                .join(", "),
        }
    }

    /// Like [`Value::display`], but a choice shows the label of its option
    /// (or product) and a NIP is grouped as it is printed.
    pub fn display_for(&self, field: &Field, products: &[Product]) -> String {
        match (self, field.kind) {
            (Value::Choice(id), FieldKind::Choice) => {
                field.options.iter().find(|o| o.id == *id).map_or_else(|| id.clone(), |o| o.label.clone())
            }
            (Value::Choice(id), FieldKind::Product) => {
                products.iter().find(|p| p.id == *id).map_or_else(|| id.clone(), |p| p.label.clone())
            }
            (Value::Text(nip), FieldKind::Nip) => super::nip::format_grouped(nip),
            _ => self.display(),
        }
    }
}

/// The checked values of a form, by field id.
pub type Values = BTreeMap<String, Value>;

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn file() -> FileRef {
        FileRef { id: "ab".repeat(32), name: "surat.pdf".to_owned(), file_type: FileType::Pdf, size: 1_258_291 }
    }

    #[test]
    fn json_inputs_map_by_type() {
        assert_eq!(Input::from_json(&json!("Andi")), Some("Andi".into()));
        assert_eq!(Input::from_json(&json!(true)), Some(Input::Bool(true)));
        assert_eq!(Input::from_json(&json!(4)), Some(Input::Number(4)));
        assert_eq!(Input::from_json(&json!(4.5)), None);
        assert_eq!(Input::from_json(&json!(u64::MAX)), None);
        assert_eq!(Input::from_json(&json!(null)), None);
        assert_eq!(Input::from_json(&json!({"a": 1})), None);
        assert_eq!(Input::from_json(&json!([])), Some(Input::Files(vec![])));
        let files = json!([{"id": "ab".repeat(32), "name": "surat.pdf", "file_type": "pdf", "size": 1_258_291}]);
        assert_eq!(Input::from_json(&files), Some(Input::Files(vec![file()])));
        assert_eq!(Input::from_json(&json!(["surat.pdf"])), None);
        assert_eq!(Input::from_json(&json!([{"id": "x"}])), None);
    }

    #[test]
    fn blank_inputs_count_as_absent() {
        assert!(Input::from(" \t\n").is_blank());
        assert!(Input::Files(vec![]).is_blank());
        assert!(!Input::Bool(false).is_blank());
        assert!(!Input::from("0").is_blank());
    }

    #[test]
    fn values_serialise_with_a_type_tag() {
        let date = Value::Date(NaiveDate::from_ymd_opt(2026, 11, 28).unwrap());
        let json = serde_json::to_value(&date).unwrap();
        assert_eq!(json, json!({"type": "date", "value": "2026-11-28"}));
        assert_eq!(serde_json::from_value::<Value>(json).unwrap(), date);
        let files = Value::Files(vec![file()]);
        let back: Value = serde_json::from_str(&serde_json::to_string(&files).unwrap()).unwrap();
        assert_eq!(back, files);
        assert_eq!(serde_json::to_value(Value::Text("x".into())).unwrap(), json!({"type": "text", "value": "x"}));
    }

    #[test]
    fn values_display_for_people() {
        assert_eq!(Value::Bool(true).display(), "Ya");
        assert_eq!(Value::Date(NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()).display(), "28 November 2026");
        assert_eq!(Value::Files(vec![file()]).display(), "surat.pdf (1,2 MiB)");
        assert_eq!(Value::Number(5).display(), "5");
    }
}
