//! Kill the server mid-procedure: on restart nothing acknowledged is lost,
//! and clocks that passed while it was down are recorded, once.

mod support;

use std::sync::mpsc;

use serde_json::{Value, json};
use sigap_tests::{Options, Server};
use support::{Api, bin, sumbar_form};

fn count(history: &Value, kind: &str, clock: &str) -> usize {
    history
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| {
            e["kind"] == kind && (e["detail"]["clock"] == json!({ "stage": clock }) || e["detail"]["clock"] == clock)
        })
        .count()
}

#[test]
fn a_killed_server_loses_nothing_acknowledged_and_records_overdue_clocks_once() {
    let dir = tempfile::tempdir().unwrap();
    let options = Options::sled(bin(), dir.path());
    let server = Server::start(&options);
    let api = Api::new(&server.url);
    let mut cases = Vec::new();
    for i in 0..3 {
        let reply = api.post(
            "/api/v1/workflows/konsultasi-hukum-asn/cases",
            &[],
            &json!({ "form": sumbar_form(&format!("Pemohon {i}")) }),
        );
        assert_eq!(reply.status, 201);
        cases.push(reply.json["tracking_code"].as_str().unwrap().to_owned());
    }
    let staff = api.sign_in("pokja_dokumentasi");
    let inbox = api.get("/api/v1/inbox", &[("authorization", &staff)]);
    let ids: Vec<String> =
        inbox.json.as_array().unwrap().iter().map(|t| t["case"].as_str().unwrap().to_owned()).collect();
    assert_eq!(ids.len(), 3);
    let forwarded = api.post(
        &format!("/api/v1/cases/{}/actions/teruskan", ids[0]),
        &[("authorization", &staff)],
        &json!({ "inputs": {} }),
    );
    assert_eq!(forwarded.status, 200);

    // A writer adds notes one after another while the server is killed
    // under it (after its 20th acknowledgement): what was acknowledged must
    // survive; the request in flight may or may not.
    let (acked_tx, acked_rx) = mpsc::channel::<(String, String)>();
    let writer = {
        let url = server.url.clone();
        let ids = ids.clone();
        std::thread::spawn(move || {
            let api = Api::new(&url);
            for n in 0.. {
                let case = &ids[n % ids.len()];
                let text = format!("dicatat {n}");
                let body = serde_json::to_vec(&json!({ "text": text })).unwrap();
                match api.try_post_raw_with(
                    &format!("/api/v1/cases/{case}/notes"),
                    &[("authorization", &staff)],
                    "application/json",
                    &body,
                ) {
                    Some(reply) if reply.status == 200 => {
                        if acked_tx.send((case.clone(), text)).is_err() {
                            return;
                        }
                    }
                    _ => return,
                }
            }
        })
    };
    let mut acknowledged: Vec<(String, String)> = acked_rx.iter().take(20).collect();
    server.kill();
    writer.join().unwrap();
    acknowledged.extend(acked_rx.try_iter());

    // Three days later (by the service's clock): every clock of the three cases is overdue.
    let mut later = options.clone();
    later.env.push(("SIGAP_CLOCK_OFFSET_SECONDS".to_owned(), (3 * 24 * 3600).to_string()));
    let server = Server::start(&later);
    let api = Api::new(&server.url);
    let staff = api.sign_in("pokja_dokumentasi");
    let head = api.sign_in("kepala_bagian");
    let mut breaches = Vec::new();
    for id in &ids {
        let view = api.get(&format!("/api/v1/cases/{id}"), &[("authorization", &head)]);
        assert_eq!(view.status, 200);
        for (case, text) in acknowledged.iter().filter(|(c, _)| c == id) {
            let notes = view.json["notes"].as_array().unwrap();
            assert!(
                notes.iter().any(|n| n["text"] == text.as_str()),
                "acknowledged note {text} of {case} survived the kill"
            );
        }
        let stage = view.json["stage"].as_str().unwrap().to_owned();
        let breached = count(&view.json["history"], "clock_breached", &stage);
        assert_eq!(breached, 1, "{id} at {stage}: the overdue clock is recorded once on restart");
        assert_eq!(count(&view.json["history"], "clock_warned", &stage), 1);
        breaches.push((id.clone(), stage, view.json["version"].as_u64().unwrap()));
    }
    let inbox = api.get("/api/v1/inbox", &[("authorization", &staff)]);
    assert!(inbox.json.as_array().unwrap().iter().all(|t| t["clock"] == "breached"), "{:?}", inbox.json);
    server.stop();

    // Another restart a day later records nothing new.
    let mut even_later = options;
    even_later.env.push(("SIGAP_CLOCK_OFFSET_SECONDS".to_owned(), (4 * 24 * 3600).to_string()));
    let server = Server::start(&even_later);
    let api = Api::new(&server.url);
    let head = api.sign_in("kepala_bagian");
    for (id, stage, version) in &breaches {
        let view = api.get(&format!("/api/v1/cases/{id}"), &[("authorization", &head)]);
        assert_eq!(count(&view.json["history"], "clock_breached", stage), 1);
        assert_eq!(view.json["version"].as_u64().unwrap(), *version, "no new events for clocks already recorded");
    }
    server.stop();
    let verify = std::process::Command::new(bin())
        .args(["verify", "--data-dir"])
        .arg(dir.path())
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&verify.stdout);
    assert!(
        verify.status.success() && out.contains("3 case(s) verified, 0 bad"),
        "{out}{}",
        String::from_utf8_lossy(&verify.stderr)
    );
}
