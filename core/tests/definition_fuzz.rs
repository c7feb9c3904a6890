//! No input makes the workflow loader panic: arbitrary bytes and arbitrary
//! TOML documents give a definition or located errors.

use proptest::prelude::*;
use sigap_core::definition::Definition;

fn assert_located(text: &str) {
    if let Err(errors) = Definition::load("fuzz.toml", text) {
        assert!(!errors.is_empty());
        for diagnostic in errors.iter() {
            assert!(diagnostic.line >= 1, "{diagnostic}");
            assert!(!diagnostic.help.is_empty(), "{diagnostic}");
        }
    }
}

/// Random TOML values shaped like workflow files: known keys, random values.
fn toml_value() -> impl Strategy<Value = toml::Value> {
    let leaf = prop_oneof![
        any::<bool>().prop_map(toml::Value::Boolean),
        any::<i64>().prop_map(toml::Value::Integer),
        "[a-z_]{0,12}".prop_map(toml::Value::String),
        prop::sample::select(vec![
            "task",
            "terminal",
            "applicant",
            "waiting",
            "submit",
            "answer",
            "30m",
            "1wd",
            "x",
            "pemohon",
            "selesai"
        ])
        .prop_map(|s| toml::Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        let keys = prop::sample::select(vec![
            "kind",
            "id",
            "label",
            "start",
            "organisation",
            "roles",
            "form",
            "fields",
            "stages",
            "actions",
            "from",
            "to",
            "by",
            "type",
            "required",
            "confidential",
            "role",
            "time_standard",
            "outcome",
            "inputs",
            "visibility",
            "time_zone",
            "calendar",
            "name",
            "public",
            "options",
            "products",
            "notifications",
            "on",
            "subject",
            "body",
            "survey",
        ]);
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(toml::Value::Array),
            prop::collection::btree_map(keys, inner, 0..6)
                .prop_map(|m| toml::Value::Table(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,300}") {
        assert_located(&text);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        assert_located(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn arbitrary_documents_never_panic(value in toml_value()) {
        if let toml::Value::Table(table) = value {
            let text = toml::to_string(&table).unwrap_or_default();
            assert_located(&format!("kind = \"workflow\"\n{text}"));
        }
    }

    #[test]
    fn mutations_of_the_real_file_never_panic(cut in 0usize..20_000, len in 0usize..200, insert in "\\PC{0,20}") {
        let text = include_str!("../../workflows/sumbar/konsultasi-hukum.toml");
        let start = text.char_indices().map(|(i, _)| i).find(|&i| i >= cut.min(text.len())).unwrap_or(text.len());
        let end = text.char_indices().map(|(i, _)| i).find(|&i| i >= (start + len).min(text.len())).unwrap_or(text.len());
        assert_located(&format!("{}{}{}", &text[..start], insert, &text[end..]));
    }
}
