//! Form fields generated from a workflow's field definitions: every kind
//! (text, long text, e-mail, phone, NIP, choice as radios or a list,
//! product, date, consent with its terms, file with its limits, scale),
//! each with a `<label for>`, its help and its error tied to it through
//! `aria-describedby`, and the value the person typed kept.

use std::collections::BTreeMap;

use maud::{Markup, html};
use sigap_core::definition::{Definition, Field, FieldKind};

use crate::web::i18n::Lang;

/// What a form shows besides its fields: values typed and errors, by field name.
#[derive(Debug, Default)]
pub(crate) struct FormState {
    /// Values by name (as submitted, e.g. `form.nama`).
    pub(crate) values: BTreeMap<String, String>,
    /// Errors by name.
    pub(crate) errors: BTreeMap<String, String>,
    /// Names of file fields whose files must be chosen again.
    pub(crate) files_dropped: Vec<String>,
}

impl FormState {
    /// A state with values only.
    pub(crate) fn with_values(values: BTreeMap<String, String>) -> Self {
        Self { values, ..Self::default() }
    }
}

/// The element id of a field named `name` (`form.nama` → `f-form-nama`).
pub(crate) fn field_id(scope: &str, name: &str) -> String {
    let clean: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '-' }).collect();
    if scope.is_empty() { format!("f-{clean}") } else { format!("f-{scope}-{clean}") }
}

/// The id a link in the error summary should point at (the first control of a group).
pub(crate) fn anchor(scope: &str, name: &str, field: Option<&Field>, definition: Option<&Definition>) -> String {
    let base = field_id(scope, name);
    match field.map(|f| f.kind) {
        Some(FieldKind::Choice) if field.is_some_and(radios) => format!("{base}-0"),
        Some(FieldKind::Product) if definition.is_some() => format!("{base}-0"),
        Some(FieldKind::Scale) => format!("{base}-0"),
        _ => base,
    }
}

fn radios(field: &Field) -> bool {
    field.options.len() <= 4
}

/// The error summary: a heading and a link to each field to fix.
pub(crate) fn error_summary(lang: Lang, items: &[(Option<String>, String)]) -> Markup {
    if items.is_empty() {
        return html! {};
    }
    let heading = match lang {
        Lang::Id => format!("Ada {} hal yang perlu diperbaiki", items.len()),
        Lang::En => format!(
            "There {} {} thing{} to fix",
            if items.len() == 1 { "is" } else { "are" },
            items.len(),
            if items.len() == 1 { "" } else { "s" }
        ),
    };
    html! {
        div.error-summary role="alert" aria-labelledby="ringkasan-kesalahan" tabindex="-1" autofocus {
            h2 #ringkasan-kesalahan { (heading) }
            ul {
                @for (target, text) in items {
                    li {
                        @match target {
                            Some(id) => a href={ "#" (id) } { (text) },
                            None => (text),
                        }
                    }
                }
            }
        }
    }
}

/// File types for `accept`, by extension and media type.
fn accept_attr(field: &Field) -> String {
    field
        .accepted_types()
        .iter()
        .flat_map(|t| {
            let mut v = vec![format!(".{}", t.extension()), t.media_type().to_owned()];
            if t.extension() == "jpg" {
                v.push(".jpeg".to_owned());
            }
            v
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn types_text(field: &Field) -> String {
    field.accepted_types().iter().map(|t| t.extension().to_uppercase()).collect::<Vec<_>>().join(", ")
}

/// One field. `name` is the submitted name (`form.nama`, `alasan`); `scope` keeps ids unique per form.
pub(crate) fn field(
    lang: Lang,
    definition: Option<&Definition>,
    field: &Field,
    name: &str,
    scope: &str,
    state: &FormState,
) -> Markup {
    let id = field_id(scope, name);
    let hint_id = format!("{id}-petunjuk");
    let error_id = format!("{id}-kesalahan");
    let terms_id = format!("{id}-ketentuan");
    let error = state.errors.get(name);
    let value = state.values.get(name).map(String::as_str).unwrap_or("");
    let file_hint = (field.kind == FieldKind::File).then(|| {
        let count = field.max_file_count();
        match lang {
            Lang::Id => format!(
                "Jenis berkas: {}. Paling besar {} per berkas{}.",
                types_text(field),
                field.max_file_size().for_people(true),
                if count > 1 { format!(", paling banyak {count} berkas") } else { String::new() }
            ),
            Lang::En => format!(
                "File types: {}. At most {} per file{}.",
                types_text(field),
                field.max_file_size().for_people(false),
                if count > 1 { format!(", up to {count} files") } else { String::new() }
            ),
        }
    });
    let dropped = field.kind == FieldKind::File && state.files_dropped.iter().any(|n| n == name);
    let has_hint = field.help.is_some() || file_hint.is_some() || dropped;
    let mut described: Vec<String> = Vec::new();
    if field.kind == FieldKind::Consent && field.text.is_some() {
        described.push(terms_id.clone());
    }
    if has_hint {
        described.push(hint_id.clone());
    }
    if error.is_some() {
        described.push(error_id.clone());
    }
    let described = (!described.is_empty()).then(|| described.join(" "));
    let required_mark = html! {
        @if field.required {
            " " span.req { "(" (lang.t("wajib", "required")) ")" }
        } @else if field.kind != FieldKind::Consent {
            " " span.opt { "(" (lang.t("tidak wajib", "optional")) ")" }
        }
    };
    let hint = html! {
        @if has_hint {
            div.hint id=(hint_id) {
                @if let Some(help) = &field.help { p { (help) } }
                @if let Some(text) = &file_hint { p { (text) } }
                @if dropped {
                    p { strong { (lang.t(
                        "Berkas yang tadi dipilih belum tersimpan: pilih berkasnya lagi.",
                        "The file chosen before was not kept: choose it again.")) } }
                }
            }
        }
    };
    let error_line = html! {
        @if let Some(message) = error {
            p.error-message id=(error_id) {
                span.visually-hidden { (lang.t("Kesalahan: ", "Error: ")) }
                (message)
            }
        }
    };
    let class = if error.is_some() { "field has-error" } else { "field" };
    let options: Vec<(String, String, Option<String>)> = match field.kind {
        FieldKind::Choice => field.options.iter().map(|o| (o.id.clone(), o.label.clone(), None)).collect(),
        FieldKind::Product => definition
            .map(|d| d.file().products.iter().map(|p| (p.id.clone(), p.label.clone(), p.description.clone())).collect())
            .unwrap_or_default(),
        FieldKind::Scale => {
            let (low, high) = field.scale_range();
            (low..=high).map(|n| (n.to_string(), n.to_string(), None)).collect()
        }
        _ => Vec::new(),
    };
    if field.kind == FieldKind::FormFields {
        // Fields of the intake form, ticked (sent as `name[]`, joined with commas).
        let chosen: Vec<&str> = value.split(',').map(str::trim).collect();
        let fields: Vec<(String, String)> = definition
            .map(|d| d.file().form.fields.iter().map(|f| (f.id.clone(), f.label.clone())).collect())
            .unwrap_or_default();
        return html! {
            div class=(class) {
                fieldset aria-describedby=[described.as_deref()] {
                    legend { (field.label) (required_mark) }
                    (hint)
                    (error_line)
                    div.choices {
                        @for (i, (option, label)) in fields.iter().enumerate() {
                            label for={ (id) "-" (i) } {
                                input type="checkbox" id={ (id) "-" (i) } name={ (name) "[]" } value=(option)
                                    checked[chosen.contains(&option.as_str())]
                                    aria-invalid=[error.map(|_| "true")];
                                span { (label) }
                            }
                        }
                    }
                }
            }
        };
    }
    let group = matches!(field.kind, FieldKind::Scale | FieldKind::Product)
        || (field.kind == FieldKind::Choice && radios(field));
    if group {
        let scale = field.kind == FieldKind::Scale;
        return html! {
            div class=(class) {
                fieldset aria-describedby=[described.as_deref()] {
                    legend { (field.label) (required_mark) }
                    (hint)
                    (error_line)
                    div class=(if scale { "choices scale" } else { "choices" }) {
                        @for (i, (option, label, description)) in options.iter().enumerate() {
                            label for={ (id) "-" (i) } {
                                input type="radio" id={ (id) "-" (i) } name=(name) value=(option)
                                    checked[value == option] required[field.required]
                                    aria-invalid=[error.map(|_| "true")];
                                span {
                                    (label)
                                    @if let Some(d) = description { span.desc { (d) } }
                                }
                            }
                        }
                        @if !field.required && !scale {
                            label for={ (id) "-kosong" } {
                                input type="radio" id={ (id) "-kosong" } name=(name) value="" checked[value.is_empty()];
                                span { (lang.t("Tidak memilih", "No choice")) }
                            }
                        }
                    }
                }
            }
        };
    }
    html! {
        div class=(class) {
            @if field.kind == FieldKind::Consent {
                @if let Some(terms) = &field.text {
                    p.field-title { strong { (lang.t("Syarat dan ketentuan", "Terms and conditions")) } }
                    div.terms id=(terms_id) { p { (terms) } }
                }
                (hint)
                (error_line)
                div.choices {
                    label for=(id) {
                        input type="checkbox" id=(id) name=(name) value="true" checked[value == "true" || value == "on"]
                            required[field.required] aria-describedby=[described.as_deref()]
                            aria-invalid=[error.map(|_| "true")];
                        span { (field.label) (required_mark) }
                    }
                }
            } @else {
                label for=(id) { (field.label) (required_mark) }
                (hint)
                (error_line)
                @match field.kind {
                    FieldKind::LongText => {
                        textarea id=(id) name=(name) rows="6" maxlength=(field.max_chars())
                            required[field.required] aria-describedby=[described.as_deref()]
                            aria-invalid=[error.map(|_| "true")] { (value) }
                    }
                    FieldKind::Choice => {
                        select id=(id) name=(name) required[field.required] aria-describedby=[described.as_deref()]
                            aria-invalid=[error.map(|_| "true")] {
                            option value="" { "— " (lang.t("Pilih", "Choose")) " —" }
                            @for (option, label, _) in &options {
                                option value=(option) selected[value == option] { (label) }
                            }
                        }
                    }
                    FieldKind::File => {
                        input type="file" id=(id) name=(name) accept=(accept_attr(field))
                            multiple[field.max_file_count() > 1] required[field.required]
                            aria-describedby=[described.as_deref()] aria-invalid=[error.map(|_| "true")];
                    }
                    kind => {
                        @let (input_type, mode, complete) = match kind {
                            FieldKind::Email => ("email", Some("email"), Some("email")),
                            FieldKind::Phone => ("tel", Some("tel"), Some("tel")),
                            FieldKind::Nip => ("text", Some("numeric"), Some("off")),
                            FieldKind::Date => ("date", None, None),
                            _ => ("text", None, None),
                        };
                        input type=(input_type) id=(id) name=(name) value=(value)
                            inputmode=[mode] autocomplete=[complete]
                            maxlength=[(kind != FieldKind::Date).then(|| field.max_chars() + 10)]
                            spellcheck=[matches!(kind, FieldKind::Email | FieldKind::Nip | FieldKind::Phone).then_some("false")]
                            required[field.required] aria-describedby=[described.as_deref()]
                            aria-invalid=[error.map(|_| "true")];
                    }
                }
            }
        }
    }
}

/// The CSRF token and other hidden fields of a form.
pub(crate) fn hidden(name: &str, value: &str) -> Markup {
    html! { input type="hidden" name=(name) value=(value); }
}
