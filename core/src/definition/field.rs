//! Typed fields: the intake form, action inputs and survey questions.

use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::toml_doc::custom_error;

/// The type of a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    /// One line of text.
    Text,
    /// Several lines of text.
    LongText,
    /// An e-mail address.
    Email,
    /// An Indonesian phone number (+62… or 08…), e.g. WhatsApp.
    Phone,
    /// A civil servant's NIP: 18 digits, `YYYYMMDD YYYYMM G NNN`.
    Nip,
    /// One of `options`.
    Choice,
    /// A calendar date.
    Date,
    /// A box the person must tick to agree to `text`.
    Consent,
    /// One or more uploaded files (`max_files`, `max_size`, `accept`).
    File,
    /// A score from `min` to `max` (default 1–5).
    Scale,
    /// One of the workflow's products.
    Product,
    /// Fields of the intake form, chosen by staff when returning a request
    /// for completion (an action input only): the applicant then completes
    /// just those, and the rest of the form is kept.
    FormFields,
}

impl FieldKind {
    /// The name as written in files.
    pub fn as_str(self) -> &'static str {
        match self {
            FieldKind::Text => "text",
            FieldKind::LongText => "long_text",
            FieldKind::Email => "email",
            FieldKind::Phone => "phone",
            FieldKind::Nip => "nip",
            FieldKind::Choice => "choice",
            FieldKind::Date => "date",
            FieldKind::Consent => "consent",
            FieldKind::File => "file",
            FieldKind::Scale => "scale",
            FieldKind::Product => "product",
            FieldKind::FormFields => "form_fields",
        }
    }

    /// Whether values of this kind are text a person typed.
    pub fn is_textual(self) -> bool {
        matches!(self, FieldKind::Text | FieldKind::LongText | FieldKind::Email | FieldKind::Phone | FieldKind::Nip)
    }
}

/// A file type accepted by a `file` field, recognised by content, not by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FileType {
    /// PDF document.
    Pdf,
    /// JPEG image.
    Jpeg,
    /// PNG image.
    Png,
    /// Word document (Office Open XML).
    Docx,
    /// Spreadsheet (Office Open XML).
    Xlsx,
    /// OpenDocument text.
    Odt,
}

impl FileType {
    /// The media type served with the file.
    pub fn media_type(self) -> &'static str {
        match self {
            FileType::Pdf => "application/pdf",
            FileType::Jpeg => "image/jpeg",
            FileType::Png => "image/png",
            FileType::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            FileType::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            FileType::Odt => "application/vnd.oasis.opendocument.text",
        }
    }

    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        match self {
            FileType::Pdf => "pdf",
            FileType::Jpeg => "jpg",
            FileType::Png => "png",
            FileType::Docx => "docx",
            FileType::Xlsx => "xlsx",
            FileType::Odt => "odt",
        }
    }

    /// All types, in a stable order.
    pub const ALL: [FileType; 6] =
        [FileType::Pdf, FileType::Jpeg, FileType::Png, FileType::Docx, FileType::Xlsx, FileType::Odt];
}

/// An option of a `choice` field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChoiceOption {
    /// Stable id (stored in the case).
    pub id: String,
    /// Text shown to people.
    pub label: String,
}

/// A field of a form, an action's input or a survey question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// Stable id (the key of the value in the case).
    pub id: String,
    /// The question or caption shown to people.
    pub label: String,
    /// The field's type.
    #[serde(rename = "type")]
    pub kind: FieldKind,
    /// Whether a value must be given.
    #[serde(default)]
    pub required: bool,
    /// Whether the value identifies the applicant and is shown only to roles
    /// entitled to it (see `[visibility]`).
    #[serde(default)]
    pub confidential: bool,
    /// For action inputs: whether the applicant sees the value (e.g. a rejection reason).
    #[serde(default)]
    pub public: bool,
    /// A hint shown under the field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// Minimum length in characters (text fields).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u32>,
    /// Maximum length in characters (text fields; default 200 for one line, 10 000 for long text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
    /// The options of a `choice` field.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<ChoiceOption>,
    /// How many files a `file` field takes (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_files: Option<u32>,
    /// The largest file a `file` field takes, e.g. `"10MiB"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_size: Option<ByteSize>,
    /// File types a `file` field takes (default: pdf, jpeg, png).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accept: Vec<FileType>,
    /// Lowest score of a `scale` (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<i64>,
    /// Highest score of a `scale` (default 5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<i64>,
    /// For `consent`: the statement agreed to (the terms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

impl Field {
    /// The effective maximum length of a text value.
    pub fn max_chars(&self) -> u32 {
        self.max_length.unwrap_or(match self.kind {
            FieldKind::LongText => 10_000,
            FieldKind::Email => 254,
            _ => 200,
        })
    }

    /// The effective number of files a `file` field takes.
    pub fn max_file_count(&self) -> u32 {
        self.max_files.unwrap_or(1)
    }

    /// The effective size limit of one file.
    pub fn max_file_size(&self) -> ByteSize {
        self.max_size.unwrap_or(ByteSize(10 * 1024 * 1024))
    }

    /// The effective accepted file types.
    pub fn accepted_types(&self) -> Vec<FileType> {
        if self.accept.is_empty() { vec![FileType::Pdf, FileType::Jpeg, FileType::Png] } else { self.accept.clone() }
    }

    /// The effective score range of a `scale`.
    pub fn scale_range(&self) -> (i64, i64) {
        (self.min.unwrap_or(1), self.max.unwrap_or(5))
    }
}

/// A size in bytes, written `"10MiB"`, `"500KB"` or a plain number of bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ByteSize(pub u64);

impl ByteSize {
    /// The limit for people, in the unit its author wrote: `5 MB` for
    /// `"5MB"`, `10 MiB` for `"10MiB"` (Indonesian decimal comma when needed).
    pub fn for_people(self, indonesian: bool) -> String {
        let lang = if indonesian { crate::form::human::Lang::Id } else { crate::form::human::Lang::En };
        crate::form::human::limit(self.0, lang)
    }
}

impl fmt::Display for ByteSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const MIB: u64 = 1024 * 1024;
        const KIB: u64 = 1024;
        if self.0 >= MIB && self.0.is_multiple_of(MIB) {
            write!(f, "{}MiB", self.0 / MIB)
        } else if self.0 >= KIB && self.0.is_multiple_of(KIB) {
            write!(f, "{}KiB", self.0 / KIB)
        } else {
            write!(f, "{}B", self.0)
        }
    }
}

const SIZE_HELP: &str = "write a size such as \"10MiB\", \"500KiB\", \"2MB\" or a number of bytes";

impl FromStr for ByteSize {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let trimmed = text.trim();
        let end = trimmed.find(|c: char| !c.is_ascii_digit()).unwrap_or(trimmed.len());
        let (digits, unit) = trimmed.split_at(end);
        let amount: u64 = digits.parse().map_err(|_| format!("`{text}` is not a size"))?;
        let factor: u64 = match unit.trim().to_ascii_lowercase().as_str() {
            "" | "b" => 1,
            "kb" => 1_000,
            "kib" => 1024,
            "mb" => 1_000_000,
            "mib" => 1024 * 1024,
            "gb" => 1_000_000_000,
            "gib" => 1024 * 1024 * 1024,
            other => return Err(format!("`{other}` in `{text}` is not a size unit")),
        };
        amount.checked_mul(factor).map(ByteSize).ok_or_else(|| format!("`{text}` is too large"))
    }
}

impl Serialize for ByteSize {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ByteSize {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = ByteSize;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a size such as \"10MiB\"")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<ByteSize, E> {
                v.parse().map_err(|m: String| custom_error(m, SIZE_HELP))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<ByteSize, E> {
                u64::try_from(v).map(ByteSize).map_err(|_| custom_error(format!("`{v}` is negative"), SIZE_HELP))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<ByteSize, E> {
                Ok(ByteSize(v))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

impl JsonSchema for ByteSize {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ByteSize".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "anyOf": [
                { "type": "string", "pattern": "^[0-9]+ ?([kKmMgG]i?[bB]|[bB])?$" },
                { "type": "integer", "minimum": 0 }
            ],
            "description": "A size: \"10MiB\", \"500KiB\", \"2MB\" or a number of bytes."
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_both_unit_families() {
        assert_eq!("10MiB".parse(), Ok(ByteSize(10 * 1024 * 1024)));
        assert_eq!("2MB".parse(), Ok(ByteSize(2_000_000)));
        assert_eq!("512".parse(), Ok(ByteSize(512)));
        assert!("10 parsecs".parse::<ByteSize>().is_err());
        assert_eq!(ByteSize(5 * 1024 * 1024).to_string(), "5MiB");
    }
}
