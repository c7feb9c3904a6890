//! The JSON Schemas of calendar and holiday files: the committed ones are
//! the generated ones, and every shipped calendar and holiday file is valid
//! against them (checked by a small validator of the keywords the schemas
//! use: `$ref`, `anyOf`, `oneOf`, `type`, `const`, `properties`,
//! `required`, `additionalProperties`, `items`).

use serde_json::Value;

fn repo(path: &str) -> String {
    format!("{}/../{path}", env!("CARGO_MANIFEST_DIR"))
}

/// A TOML file as the JSON an editor validates (dates as strings).
fn toml_as_json(text: &str) -> Value {
    fn convert(value: toml::Value) -> Value {
        match value {
            toml::Value::String(s) => Value::String(s),
            toml::Value::Integer(i) => Value::from(i),
            toml::Value::Float(f) => Value::from(f),
            toml::Value::Boolean(b) => Value::Bool(b),
            toml::Value::Datetime(d) => Value::String(d.to_string()),
            toml::Value::Array(items) => Value::Array(items.into_iter().map(convert).collect()),
            toml::Value::Table(table) => Value::Object(table.into_iter().map(|(k, v)| (k, convert(v))).collect()),
        }
    }
    convert(toml::from_str::<toml::Value>(text).unwrap())
}

/// Every place `value` breaks `schema` (empty when valid).
fn problems(value: &Value, schema: &Value, root: &Value, at: &str) -> Vec<String> {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.strip_prefix("#/$defs/").expect("local references only");
        return problems(value, &root["$defs"][name], root, at);
    }
    if let Some(options) = schema["anyOf"].as_array() {
        if options.iter().all(|o| !problems(value, o, root, at).is_empty()) {
            return vec![format!("{at}: matches none of anyOf")];
        }
        return Vec::new();
    }
    if let Some(options) = schema["oneOf"].as_array() {
        let matching = options.iter().filter(|o| problems(value, o, root, at).is_empty()).count();
        return if matching == 1 { Vec::new() } else { vec![format!("{at}: matches {matching} of oneOf")] };
    }
    let mut found = Vec::new();
    if let Some(constant) = schema.get("const")
        && value != constant
    {
        found.push(format!("{at}: {value} is not {constant}"));
    }
    let type_of = |v: &Value| match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !types.is_empty() && !types.contains(&type_of(value)) {
        found.push(format!("{at}: a {} where {types:?} is expected", type_of(value)));
        return found;
    }
    if let Value::Object(object) = value {
        let properties = schema["properties"].as_object();
        for required in schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str) {
            if !object.contains_key(required) {
                found.push(format!("{at}: `{required}` is missing"));
            }
        }
        for (key, item) in object {
            match properties.and_then(|p| p.get(key)) {
                Some(property) => found.extend(problems(item, property, root, &format!("{at}.{key}"))),
                None if schema["additionalProperties"] == Value::Bool(false) => {
                    found.push(format!("{at}: `{key}` is not a key of this file"));
                }
                None => {}
            }
        }
    }
    if let (Value::Array(items), Some(item_schema)) = (value, schema.get("items")) {
        for (i, item) in items.iter().enumerate() {
            found.extend(problems(item, item_schema, root, &format!("{at}[{i}]")));
        }
    }
    found
}

fn check(schema_file: &str, generated: Value, kind: &str) {
    let committed: Value = serde_json::from_str(&std::fs::read_to_string(repo(schema_file)).unwrap()).unwrap();
    assert!(committed == generated, "regenerate it: cargo run --bin sigap -- schema --kind {kind} > {schema_file}");
    let mut checked = 0;
    for dir in ["workflows/sumbar", "workflows/kabupaten-contoh", "workflows/indonesia"] {
        for entry in std::fs::read_dir(repo(dir)).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let file = toml_as_json(&text);
            if file["kind"] != kind {
                continue;
            }
            let found = problems(&file, &committed, &committed, "");
            assert!(found.is_empty(), "{}: {found:#?}", path.display());
            checked += 1;
        }
    }
    assert!(checked >= 2, "the shipped {kind} files were found");
}

#[test]
fn the_shipped_calendars_are_valid_against_the_committed_schema() {
    check("workflows/calendar.schema.json", sigap_core::calendar::calendar_json_schema(), "calendar");
}

#[test]
fn the_shipped_holiday_files_are_valid_against_the_committed_schema() {
    check("workflows/holidays.schema.json", sigap_core::calendar::holidays_json_schema(), "holidays");
}

/// The validator can fail: a misspelt key, a wrong type and a missing key are each found.
#[test]
fn the_schemas_refuse_what_the_loader_refuses() {
    let schema = sigap_core::calendar::calendar_json_schema();
    let text = std::fs::read_to_string(repo("workflows/sumbar/kalender.toml")).unwrap();
    let good = toml_as_json(&text);
    assert!(problems(&good, &schema, &schema, "").is_empty());
    let mut misspelt = good.clone();
    misspelt["time_zome"] = Value::from("Asia/Jakarta");
    assert_eq!(problems(&misspelt, &schema, &schema, ""), [": `time_zome` is not a key of this file"]);
    let mut wrong_type = good.clone();
    wrong_type["hours"]["monday"] = Value::from("08:00-15:00");
    assert!(!problems(&wrong_type, &schema, &schema, "").is_empty(), "a window list, not a string");
    let mut missing = good;
    missing.as_object_mut().unwrap().remove("time_zone");
    assert_eq!(problems(&missing, &schema, &schema, ""), [": `time_zone` is missing"]);
}
