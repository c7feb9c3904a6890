//! `GET /api/v1/openapi.json`: the OpenAPI 3.1 description of the API,
//! generated from the code: every request and response body's schema comes
//! from the Rust type itself (schemars), the paths from the table below,
//! which a test checks against the router.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, SchemaGenerator};
use serde_json::{Value, json};

use super::error::ErrorBody;
use super::staff::{AssignBody, CaseCounts, NoteBody, SessionInfo, SignIn, TransferBody};
use crate::app::applicant::{Receipt, Tracking, WorkflowInfo};
use crate::app::staff::InboxItem;
use crate::app::supervision::{Supervision, Transfer};
use crate::state::AppState;

/// One operation of the API.
pub(crate) struct Operation {
    pub(crate) method: &'static str,
    pub(crate) path: &'static str,
    pub(crate) summary: &'static str,
    pub(crate) auth: Auth,
    /// Query parameters: name and description (each a string).
    pub(crate) query: &'static [(&'static str, &'static str)],
    pub(crate) request: Option<Value>,
    pub(crate) response: (u16, Option<Value>),
    pub(crate) errors: &'static [u16],
}

/// How an operation is authorised.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Auth {
    None,
    Staff,
    Tracking,
}

fn schema<T: JsonSchema>(generator: &mut SchemaGenerator) -> Value {
    serde_json::to_value(generator.subschema_for::<T>()).unwrap_or_default()
}

const CASE_LIST: &[(&str, &str)] = &[
    ("workflow", "only this service (a workflow id you may view)"),
    ("stage", "only these stages (ids, comma-separated)"),
    ("state", "open, waiting, closed, answered, rejected or withdrawn"),
    ("status", "the same as state (the name earlier versions took)"),
    ("clock", "the stage clock now: on_track, at_risk, late (comma-separated)"),
    ("received_from", "received on or after this day (YYYY-MM-DD, the organisation's zone)"),
    ("received_to", "received on or before this day (YYYY-MM-DD)"),
    ("code", "one tracking code"),
    ("assigned", "me, none or a user name of your organisation"),
    ("sort", "newest (default), oldest or due (most urgent first)"),
    ("limit", "page size, 1-1000 (default 100)"),
    ("offset", "skip this many (default 0)"),
];

/// The operations, with their schemas registered in `generator`.
pub(crate) fn operations(generator: &mut SchemaGenerator) -> Vec<Operation> {
    let json_body = |s: Value| Some(json!({ "required": true, "content": { "application/json": { "schema": s } } }));
    let form_body = json!({
        "required": true,
        "content": {
            "application/json": { "schema": { "type": "object", "description": "`{\"form\": {field: value}}` (values as the form definition says; files as FileRef objects of blobs uploaded before)" } },
            "multipart/form-data": { "schema": { "type": "object", "description": "one part per field; files as file parts named after their field" } }
        }
    });
    let action_body = json!({
        "required": true,
        "content": {
            "application/json": { "schema": { "type": "object", "properties": {
                "inputs": { "type": "object", "description": "the action's inputs by id" },
                "form": { "type": "object", "description": "for amendments: the corrected intake form" },
                "expected_version": { "type": "integer", "description": "the version you saw; a case that moved on is refused with 409 stale_version" }
            } } },
            "multipart/form-data": { "schema": { "type": "object", "description": "one part per input (`form.<id>` for the form of an amendment), files as file parts" } }
        }
    });
    let staff_view = schema::<sigap_core::access::StaffView>(generator);
    let evaluation = schema::<Vec<sigap_core::report::Evaluation>>(generator);
    let summaries = schema::<Vec<sigap_core::storage::CaseSummary>>(generator);
    vec![
        Operation {
            method: "get",
            path: "/api/v1/workflows",
            summary: "The services open for submission, with their forms",
            auth: Auth::None,
            query: &[],
            request: None,
            response: (200, Some(schema::<Vec<WorkflowInfo>>(generator))),
            errors: &[],
        },
        Operation {
            method: "post",
            path: "/api/v1/workflows/{workflow}/cases",
            summary: "Submit a request (JSON or multipart; optional Idempotency-Key); answers the tracking code and the secret once",
            auth: Auth::None,
            query: &[],
            request: Some(form_body),
            response: (201, Some(schema::<Receipt>(generator))),
            errors: &[400, 403, 404, 409, 413, 415, 422],
        },
        Operation {
            method: "get",
            path: "/api/v1/track/{code}",
            summary: "The applicant's view of their case (X-Tracking-Secret)",
            auth: Auth::Tracking,
            query: &[],
            request: None,
            response: (200, Some(schema::<Tracking>(generator))),
            errors: &[401, 403, 404, 429],
        },
        Operation {
            method: "post",
            path: "/api/v1/track/{code}/actions/{action}",
            summary: "An applicant's action (amend, withdraw) on their case",
            auth: Auth::Tracking,
            query: &[],
            request: Some(action_body.clone()),
            response: (200, Some(schema::<Tracking>(generator))),
            errors: &[400, 401, 403, 404, 409, 413, 415, 422, 429],
        },
        Operation {
            method: "post",
            path: "/api/v1/track/{code}/survey",
            summary: "The satisfaction survey",
            auth: Auth::Tracking,
            query: &[],
            request: Some(
                json!({ "required": true, "content": { "application/json": { "schema": { "type": "object", "properties": { "answers": { "type": "object" } } } } } }),
            ),
            response: (200, Some(schema::<Tracking>(generator))),
            errors: &[400, 401, 403, 404, 409, 422, 429],
        },
        Operation {
            method: "get",
            path: "/api/v1/track/{code}/attachments/{file}",
            summary: "Download the applicant's own upload or the answer document",
            auth: Auth::Tracking,
            query: &[],
            request: None,
            response: (200, None),
            errors: &[401, 403, 404, 429],
        },
        Operation {
            method: "post",
            path: "/api/v1/session",
            summary: "Staff sign-in (rate-limited)",
            auth: Auth::None,
            query: &[],
            request: json_body(schema::<SignIn>(generator)),
            response: (201, Some(schema::<SessionInfo>(generator))),
            errors: &[400, 401, 429],
        },
        Operation {
            method: "delete",
            path: "/api/v1/session",
            summary: "Sign out",
            auth: Auth::Staff,
            query: &[],
            request: None,
            response: (204, None),
            errors: &[401],
        },
        Operation {
            method: "get",
            path: "/api/v1/inbox",
            summary: "The caller's tasks across their roles, with clock state and due instants (?stage=, ?workflow=, ?scope=mine)",
            auth: Auth::Staff,
            query: &[],
            request: None,
            response: (200, Some(schema::<Vec<InboxItem>>(generator))),
            errors: &[401],
        },
        Operation {
            method: "get",
            path: "/api/v1/cases",
            summary: "Case summaries the caller reaches, filtered, sorted and paged (no personal data); X-Total-Count holds how many match (up to 10,000; X-Total-Count-Exact: false beyond), Link the next page",
            auth: Auth::Staff,
            query: CASE_LIST,
            request: None,
            response: (200, Some(summaries)),
            errors: &[400, 401],
        },
        Operation {
            method: "get",
            path: "/api/v1/cases/counts",
            summary: "How many cases match the list's filters, in all and in each state (each up to 10,000)",
            auth: Auth::Staff,
            query: CASE_LIST,
            request: None,
            response: (200, Some(schema::<CaseCounts>(generator))),
            errors: &[400, 401],
        },
        Operation {
            method: "get",
            path: "/api/v1/cases.csv",
            summary: "Every case the list's filters match, as CSV (text/csv; more than 9,999 is a 400: narrow the search)",
            auth: Auth::Staff,
            query: CASE_LIST,
            request: None,
            response: (200, None),
            errors: &[400, 401],
        },
        Operation {
            method: "get",
            path: "/api/v1/supervision",
            summary: "Late and at-risk tasks of the stages the caller supervises, each person's load, who may take each role's tasks",
            auth: Auth::Staff,
            query: &[],
            request: None,
            response: (200, Some(schema::<Supervision>(generator))),
            errors: &[401],
        },
        Operation {
            method: "post",
            path: "/api/v1/supervision/transfer",
            summary: "Hand every open task a person holds in the stages the caller supervises to another (each a reassign, recorded and notified)",
            auth: Auth::Staff,
            query: &[],
            request: json_body(schema::<TransferBody>(generator)),
            response: (200, Some(schema::<Transfer>(generator))),
            errors: &[400, 401, 403, 422],
        },
        Operation {
            method: "get",
            path: "/api/v1/cases/{id}",
            summary: "A case as the caller may see it (redacted), with its history",
            auth: Auth::Staff,
            query: &[],
            request: None,
            response: (200, Some(staff_view.clone())),
            errors: &[401, 404],
        },
        Operation {
            method: "post",
            path: "/api/v1/cases/{id}/actions/{action}",
            summary: "Perform an action with its inputs (optional Idempotency-Key)",
            auth: Auth::Staff,
            query: &[],
            request: Some(action_body),
            response: (200, Some(staff_view.clone())),
            errors: &[400, 401, 403, 404, 409, 413, 415, 422],
        },
        Operation {
            method: "post",
            path: "/api/v1/cases/{id}/claim",
            summary: "Take the current task (optional Idempotency-Key)",
            auth: Auth::Staff,
            query: &[],
            request: None,
            response: (200, Some(staff_view.clone())),
            errors: &[401, 403, 404, 409],
        },
        Operation {
            method: "post",
            path: "/api/v1/cases/{id}/assign",
            summary: "Assign the current task to a person holding the stage's role (optional Idempotency-Key)",
            auth: Auth::Staff,
            query: &[],
            request: json_body(schema::<AssignBody>(generator)),
            response: (200, Some(staff_view.clone())),
            errors: &[400, 401, 403, 404, 409, 422],
        },
        Operation {
            method: "post",
            path: "/api/v1/cases/{id}/release",
            summary: "Give the current task back to its role (optional Idempotency-Key)",
            auth: Auth::Staff,
            query: &[],
            request: None,
            response: (200, Some(staff_view.clone())),
            errors: &[401, 403, 404, 409],
        },
        Operation {
            method: "post",
            path: "/api/v1/cases/{id}/notes",
            summary: "Add an internal note (or an obstacle; optional Idempotency-Key)",
            auth: Auth::Staff,
            query: &[],
            request: json_body(schema::<NoteBody>(generator)),
            response: (200, Some(staff_view.clone())),
            errors: &[400, 401, 403, 404, 422],
        },
        Operation {
            method: "post",
            path: "/api/v1/cases/{id}/attachments",
            summary: "Attach a file (multipart `file`, optional `description`)",
            auth: Auth::Staff,
            query: &[],
            request: Some(
                json!({ "required": true, "content": { "multipart/form-data": { "schema": { "type": "object" } } } }),
            ),
            response: (200, Some(staff_view)),
            errors: &[400, 401, 403, 404, 413, 415, 422],
        },
        Operation {
            method: "get",
            path: "/api/v1/cases/{id}/attachments/{file}",
            summary: "Download an attachment the caller may see",
            auth: Auth::Staff,
            query: &[],
            request: None,
            response: (200, None),
            errors: &[401, 404],
        },
        Operation {
            method: "get",
            path: "/api/v1/reports/evaluation",
            summary: "The annual evaluation (?year=YYYY, ?workflow=, ?format=json|csv), aggregate only",
            auth: Auth::Staff,
            query: &[],
            request: None,
            response: (200, Some(evaluation)),
            errors: &[400, 401, 403],
        },
        Operation {
            method: "get",
            path: "/healthz",
            summary: "Liveness: the store answers",
            auth: Auth::None,
            query: &[],
            request: None,
            response: (200, None),
            errors: &[503],
        },
        Operation {
            method: "get",
            path: "/metrics",
            summary: "Prometheus metrics",
            auth: Auth::None,
            query: &[],
            request: None,
            response: (200, None),
            errors: &[],
        },
        Operation {
            method: "get",
            path: "/api/v1/openapi.json",
            summary: "This document",
            auth: Auth::None,
            query: &[],
            request: None,
            response: (200, None),
            errors: &[],
        },
    ]
}

/// The OpenAPI document.
pub(crate) fn spec() -> Value {
    let mut generator =
        SchemaSettings::draft2020_12().with(|s| s.definitions_path = "#/components/schemas".into()).into_generator();
    let error = schema::<ErrorBody>(&mut generator);
    let mut paths = serde_json::Map::new();
    for op in operations(&mut generator) {
        let mut responses = serde_json::Map::new();
        let ok = match &op.response.1 {
            Some(s) => json!({ "description": "success", "content": { "application/json": { "schema": s } } }),
            None => json!({ "description": "success" }),
        };
        responses.insert(op.response.0.to_string(), ok);
        for status in op.errors {
            responses.insert(
                status.to_string(),
                json!({ "description": "error", "content": { "application/json": { "schema": error } } }),
            );
        }
        let parameters: Vec<Value> = op
            .path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| json!({ "name": name, "in": "path", "required": true, "schema": { "type": "string" } }))
            .chain(op.query.iter().map(|(name, description)| {
                json!({ "name": name, "in": "query", "required": false, "description": description, "schema": { "type": "string" } })
            }))
            .collect();
        let mut operation = json!({ "summary": op.summary, "responses": responses, "parameters": parameters });
        match op.auth {
            Auth::Staff => operation["security"] = json!([{ "session": [] }]),
            Auth::Tracking => operation["security"] = json!([{ "tracking": [] }]),
            Auth::None => {}
        }
        if let Some(body) = op.request {
            operation["requestBody"] = body;
        }
        let entry = paths.entry(op.path.to_owned()).or_insert_with(|| json!({}));
        entry[op.method] = operation;
    }
    let definitions = generator.take_definitions(true);
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Sigap",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "SOPs as data: a workflow engine for government service procedures. Errors are JSON `{error: {code, message, message_id, fields}}`."
        },
        "paths": paths,
        "components": {
            "schemas": definitions,
            "securitySchemes": {
                "session": { "type": "http", "scheme": "bearer", "description": "a token from POST /api/v1/session" },
                "tracking": { "type": "apiKey", "in": "header", "name": "X-Tracking-Secret", "description": "the secret given with the tracking code" }
            }
        }
    })
}

/// `GET /api/v1/openapi.json`
pub(crate) async fn document(State(_): State<Arc<AppState>>) -> Json<Value> {
    Json(spec())
}
