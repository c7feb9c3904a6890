//! Bad input (through the service's router, in this process) gets a precise 4xx with field-level messages, writes
//! nothing half-way, and puts no personal data in the logs.

mod support;

use hmac::{Hmac, Mac};
use serde_json::json;
use sha2::Sha256;
use support::in_process::Service;
use support::{Api, Part, pdf, sumbar_form};

const SUBMIT: &str = "/api/v1/workflows/konsultasi-hukum-asn/cases";

fn submit_with(api: &Api, changes: &[(&str, serde_json::Value)]) -> support::Reply {
    let mut form = sumbar_form("Dewi Anggraini");
    for (k, v) in changes {
        form[*k] = v.clone();
    }
    api.post(SUBMIT, &[], &json!({ "form": form }))
}

fn fields(reply: &support::Reply) -> Vec<(String, String)> {
    reply.json["error"]["fields"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|f| (f["field"].as_str().unwrap().to_owned(), f["code"].as_str().unwrap().to_owned()))
                .collect()
        })
        .unwrap_or_default()
}

/// Forges a correctly signed session token that expired (the key is in the data folder).
fn expired_token(data_dir: &std::path::Path, user: &str) -> String {
    let key = std::fs::read(data_dir.join("secret.key")).unwrap();
    #[allow(clippy::disallowed_methods, reason = "the binary under test reads the same clock")]
    let expiry = (chrono::Utc::now() - chrono::TimeDelta::hours(1)).timestamp().to_string();
    let nonce = "00112233445566778899aabbccddeeff";
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    for part in ["session", user, &expiry, nonce] {
        mac.update(part.as_bytes());
        mac.update(b"\x1f");
    }
    let mac: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
    format!("{user}.{expiry}.{nonce}.{mac}")
}

#[test]
fn bad_input_gets_a_precise_answer_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let server = std::sync::Arc::new(Service::sled(dir.path()));
    let api = Api::of(&server);

    // Identity fields: each problem named on its field, all at once.
    let reply = submit_with(
        &api,
        &[
            ("nip", json!("19821345 200604 3 000")),
            ("email", json!("dewi@@contoh")),
            ("telepon", json!("12345")),
            ("persetujuan", json!(false)),
        ],
    );
    assert_eq!(reply.status, 422, "{:?}", reply.json);
    let problems = fields(&reply);
    for field in ["nip", "email", "telepon", "persetujuan"] {
        assert!(problems.iter().any(|(f, _)| f == field), "{field} in {problems:?}");
    }
    assert!(
        reply.json["error"]["fields"][0]["message"].as_str().unwrap().chars().count() > 10,
        "messages in Indonesian"
    );
    // An impossible NIP is told apart part by part.
    let nip = submit_with(&api, &[("nip", json!("19820230 200613 3 000"))]);
    let nip_codes: Vec<String> = fields(&nip).into_iter().filter(|(f, _)| f == "nip").map(|(_, c)| c).collect();
    assert!(nip_codes.len() >= 3, "birth date, TMT month, gender digit and sequence each named: {nip_codes:?}");
    // A missing required field and an unknown one.
    let mut form = sumbar_form("Dewi");
    form.as_object_mut().unwrap().remove("uraian");
    form["warna_favorit"] = json!("biru");
    let reply = api.post(SUBMIT, &[], &json!({ "form": form }));
    assert_eq!(reply.status, 422);
    let problems = fields(&reply);
    assert!(problems.iter().any(|(f, c)| f == "uraian" && c == "required"), "{problems:?}");
    assert!(problems.iter().any(|(f, _)| f == "warna_favorit"), "{problems:?}");

    // Malformed requests.
    assert_eq!(api.post_raw(SUBMIT, &[], "application/json", b"{\"form\": ").code(), "malformed_json");
    assert_eq!(api.post_raw(SUBMIT, &[], "text/plain", b"nama=x").status, 415);
    assert_eq!(api.post(SUBMIT, &[], &json!({ "forms": {} })).status, 400);
    assert_eq!(api.post("/api/v1/workflows/tidak-ada/cases", &[], &json!({ "form": {} })).status, 404);

    // Uploads: disguised (a PNG named .pdf), of a type the field does not take, too large.
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    let text_parts: Vec<(String, String)> = sumbar_form("Dewi")
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), if v.is_boolean() { "on".to_owned() } else { v.as_str().unwrap().to_owned() }))
        .collect();
    let upload = |file: &str, bytes: &[u8]| {
        let mut parts: Vec<Part<'_>> = text_parts.iter().map(|(k, v)| Part::Text(k, v)).collect();
        parts.push(Part::File("dokumen", file, bytes));
        api.post_multipart(SUBMIT, &[], &parts)
    };
    let disguised = upload("surat.pdf", &png);
    assert_eq!(disguised.status, 201, "a PNG is accepted by this field, under its true type: {:?}", disguised.json);
    let exe = upload("surat.pdf", b"MZ\x90\0 this is a windows program");
    assert_eq!(exe.status, 422);
    assert!(fields(&exe).iter().any(|(f, _)| f == "dokumen"));
    let big = vec![b'%'; 11 * 1024 * 1024];
    let mut big_pdf = b"%PDF-1.4\n".to_vec();
    big_pdf.extend_from_slice(&big);
    let too_large = upload("besar.pdf", &big_pdf);
    assert_eq!(too_large.status, 422, "{:?}", too_large.json);
    assert!(fields(&too_large).iter().any(|(f, c)| f == "dokumen" && c.contains("large")), "{:?}", fields(&too_large));
    // A body over the server's limit is cut off with 413 (or the connection
    // is closed while the client is still sending); the server stays up.
    let over_limit = vec![b' '; 70 * 1024 * 1024];
    if let Some(huge) = api.try_post_raw(SUBMIT, "application/json", &over_limit) {
        assert_eq!(huge.status, 413);
    }
    let api = Api::of(&server);
    assert_eq!(api.get("/healthz", &[]).status, 200);

    // A valid submission, for the rest.
    let ok = api.post(SUBMIT, &[("idempotency-key", "k-1")], &json!({ "form": sumbar_form("Dewi Anggraini") }));
    assert_eq!(ok.status, 201);
    // The same key with another body is refused; with the same body it replays.
    let again = api.post(SUBMIT, &[("idempotency-key", "k-1")], &json!({ "form": sumbar_form("Dewi Anggraini") }));
    assert_eq!(again.status, 200);
    assert_eq!(again.json["tracking_code"], ok.json["tracking_code"]);
    assert_eq!(again.json["secret"], ok.json["secret"], "a replay shows the same receipt");
    let other = api.post(SUBMIT, &[("idempotency-key", "k-1")], &json!({ "form": sumbar_form("Orang Lain") }));
    assert_eq!(other.status, 422);
    assert_eq!(other.code(), "idempotency_key_reused");

    // Tracking: wrong secret, no secret, malformed code.
    let code = ok.json["tracking_code"].as_str().unwrap();
    assert_eq!(api.get(&format!("/api/v1/track/{code}"), &[("x-tracking-secret", "SALAH")]).code(), "wrong_secret");
    assert_eq!(api.get(&format!("/api/v1/track/{code}"), &[]).code(), "secret_required");
    assert_eq!(api.get("/api/v1/track/bukan-kode", &[("x-tracking-secret", "x")]).status, 404);

    // Sessions: wrong password, expired or forged token, unknown action.
    let wrong = api.post("/api/v1/session", &[], &json!({ "user": "pokja_dokumentasi", "password": "salah" }));
    assert_eq!(wrong.status, 401);
    let expired = format!("Bearer {}", expired_token(dir.path(), "pokja_dokumentasi"));
    assert_eq!(api.get("/api/v1/inbox", &[("authorization", &expired)]).code(), "session_expired");
    let forged = "Bearer pokja_dokumentasi.99999999999.00.00";
    assert_eq!(api.get("/api/v1/inbox", &[("authorization", forged)]).status, 401);
    let staff = api.sign_in("pokja_dokumentasi");
    let inbox = api.get("/api/v1/inbox", &[("authorization", &staff)]);
    let case = inbox.json[0]["case"].as_str().unwrap().to_owned();
    let version =
        api.get(&format!("/api/v1/cases/{case}"), &[("authorization", &staff)]).json["version"].as_u64().unwrap();
    let unknown = api.post(
        &format!("/api/v1/cases/{case}/actions/hapus"),
        &[("authorization", &staff)],
        &json!({ "inputs": {} }),
    );
    assert_eq!((unknown.status, unknown.code()), (404, "unknown_action"));
    // A note retried with its Idempotency-Key is recorded once; the key with another text is refused.
    let note = |key: &str, text: &str| {
        api.post(
            &format!("/api/v1/cases/{case}/notes"),
            &[("authorization", &staff), ("idempotency-key", key)],
            &json!({ "text": text }),
        )
    };
    let first = note("n-1", "Berkas diperiksa ulang.");
    let retried = note("n-1", "Berkas diperiksa ulang.");
    assert_eq!((first.status, retried.status), (200, 200), "{:?}", retried.json);
    let notes = api.get(&format!("/api/v1/cases/{case}"), &[("authorization", &staff)]).json;
    let recorded = notes["history"].as_array().unwrap().iter().filter(|e| e["kind"] == "note_added").count();
    assert_eq!(recorded, 1, "{notes}");
    let reused = note("n-1", "Teks lain.");
    assert_eq!((reused.status, reused.code()), (422, "idempotency_key_reused"));
    assert_eq!(notes["version"].as_u64().unwrap(), version + 1, "one note, one event");
    let version = version + 1;
    let stale = api.post(
        &format!("/api/v1/cases/{case}/actions/teruskan"),
        &[("authorization", &staff)],
        &json!({ "inputs": {}, "expected_version": 1 }),
    );
    assert_eq!((stale.status, stale.code()), (409, "stale_version"));
    let bad_input = api.post(
        &format!("/api/v1/cases/{case}/actions/teruskan"),
        &[("authorization", &staff)],
        &json!({ "inputs": { "catatan": 42, "lain": "x" } }),
    );
    assert_eq!(bad_input.status, 422);
    assert_eq!(
        api.get(&format!("/api/v1/cases/{case}"), &[("authorization", &staff)]).json["version"].as_u64().unwrap(),
        version,
        "nothing changed"
    );
    // Signing out ends the session in this process.
    assert_eq!(api.delete("/api/v1/session", &[("authorization", &staff)]).status, 204);
    assert_eq!(api.get("/api/v1/inbox", &[("authorization", &staff)]).status, 401);

    // Guessing secrets is limited.
    let mut last = 0;
    for _ in 0..25 {
        last = api.get(&format!("/api/v1/track/{code}"), &[("x-tracking-secret", "TEBAKAN")]).status;
    }
    assert_eq!(last, 429);
    // Guessing passwords too.
    for _ in 0..6 {
        last = api.post("/api/v1/session", &[], &json!({ "user": "kepala_biro", "password": "tebakan" })).status;
    }
    assert_eq!(last, 429);

    let log = server.stop();
    for personal in ["Dewi", "Anggraini", "19821345", "dewi@@contoh", "19820414"] {
        assert!(!log.contains(personal), "the log carries {personal}:\n{log}");
    }
    let _ = pdf("unused");
}
