//! Signing out holds everywhere the store reaches: in another process on
//! the same PostgreSQL database (sharing the signing key), and after a
//! restart on sled. The store keeps the token's SHA-256, never the token.

mod support;

use sigap_tests::{Database, Options, Server};
use support::{Api, bin};

/// The inbox answers this session (200) or refuses it (401).
fn inbox_status(server: &Server, session: &str) -> u16 {
    Api::new(&server.url).get("/api/v1/inbox", &[("authorization", session)]).status
}

#[test]
fn a_sign_out_on_one_process_holds_on_another() {
    let database = Database::create().expect("a PostgreSQL server at DATABASE_URL (see README)");
    let shared = tempfile::tempdir().unwrap();
    let config = shared.path().join("sigap.toml");
    let key = shared.path().join("secret.key");
    std::fs::write(&config, format!("secret_key_file = {:?}\n", key.to_str().unwrap())).unwrap();
    let start = |dir: &std::path::Path| {
        let mut options = Options::sled(bin(), dir);
        options.database_url = Some(database.url.clone());
        options.config = Some(config.clone());
        Server::start(&options)
    };
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = (start(dir_a.path()), start(dir_b.path()));

    let session = Api::new(&a.url).sign_in("pokja_dokumentasi");
    let other = Api::new(&a.url).sign_in("kepala_biro");
    assert_eq!((inbox_status(&a, &session), inbox_status(&b, &session)), (200, 200), "one key, one session");
    assert_eq!(Api::new(&a.url).delete("/api/v1/session", &[("authorization", &session)]).status, 204);
    assert_eq!(inbox_status(&a, &session), 401);
    assert_eq!(inbox_status(&b, &session), 401, "the other process refuses the signed-out session");
    assert_eq!(inbox_status(&b, &other), 200, "other sessions are untouched");

    // What the database holds is the token's hash, not the token.
    let token = session.strip_prefix("Bearer ").unwrap();
    let kept = database.texts("SELECT revoked_key FROM revoked").unwrap();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert!(kept[0].len() == 64 && kept[0].bytes().all(|b| b.is_ascii_hexdigit()), "a SHA-256 in hex: {kept:?}");
    assert!(!kept[0].contains(token) && !kept[0].contains("pokja_dokumentasi"), "{kept:?}");
    a.stop();
    b.stop();
}

#[test]
fn a_sign_out_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let options = Options::sled(bin(), dir.path());
    let server = Server::start(&options);
    let session = Api::new(&server.url).sign_in("pokja_dokumentasi");
    assert_eq!(inbox_status(&server, &session), 200);
    assert_eq!(Api::new(&server.url).delete("/api/v1/session", &[("authorization", &session)]).status, 204);
    server.stop();
    let server = Server::start(&options);
    assert_eq!(inbox_status(&server, &session), 401, "the signed-out session stays out after a restart");
    assert_eq!(inbox_status(&server, &Api::new(&server.url).sign_in("pokja_dokumentasi")), 200);
    server.stop();
}
