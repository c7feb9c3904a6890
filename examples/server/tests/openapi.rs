//! The OpenAPI document describes the routes the server really has: every
//! documented operation reaches a route of the same template (the metrics
//! label requests by matched route), and the document is valid JSON with
//! every referenced schema defined. Driven in-process through
//! `sigap_server::app`.

mod support;

use support::Api;

fn refs(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                if k == "$ref" {
                    out.push(v.as_str().unwrap_or_default().to_owned());
                } else {
                    refs(v, out);
                }
            }
        }
        serde_json::Value::Array(list) => list.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

#[test]
fn every_documented_operation_is_served() {
    let dir = tempfile::tempdir().unwrap();
    let api = Api::in_process(dir.path());
    let spec = api.get("/api/v1/openapi.json", &[]);
    assert_eq!(spec.status, 200);
    assert_eq!(spec.json["openapi"], "3.1.0");
    let mut all = Vec::new();
    refs(&spec.json, &mut all);
    for reference in &all {
        let name = reference.strip_prefix("#/components/schemas/").unwrap_or_else(|| panic!("{reference}"));
        assert!(spec.json["components"]["schemas"][name].is_object(), "{reference} is not defined");
    }
    let paths = spec.json["paths"].as_object().unwrap();
    assert!(paths.len() >= 18);
    for (template, operations) in paths {
        let path =
            template.split('/').map(|seg| if seg.starts_with('{') { "x" } else { seg }).collect::<Vec<_>>().join("/");
        for method in operations.as_object().unwrap().keys() {
            let status = match method.as_str() {
                "get" => api.get(&path, &[]).status,
                "post" => api.post(&path, &[], &serde_json::json!({})).status,
                "delete" => api.delete(&path, &[]).status,
                other => panic!("unexpected method {other}"),
            };
            assert!(status < 500, "{method} {template}: {status}");
        }
    }
    let metrics = String::from_utf8_lossy(&api.get("/metrics", &[]).bytes).into_owned();
    for template in paths.keys() {
        assert!(
            metrics.contains(&format!("route=\"{template}\"")),
            "{template} is documented but not routed:\n{metrics}"
        );
    }
    assert!(!metrics.contains("route=\"unmatched\""), "a documented path fell through to no route");
}
