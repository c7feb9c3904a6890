//! What a person sees when something is wrong: refused fields shown next
//! to the field in Bahasa Indonesia with everything typed kept, bad uploads,
//! a missing CSRF token, a double-clicked submit, a wrong secret, a stale
//! page and an expired session. Driven over HTTP against the real binary.

mod web_support;

use web_support::{Client, hidden, hidden_in, pdf, png, server, valid_request};

fn form_fields<'a>(csrf: &'a str, idem: &'a str, changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut fields: Vec<(&str, &str)> = vec![("_csrf", csrf), ("_idem", idem)];
    for (k, v) in valid_request() {
        let v = changes.iter().find(|(ck, _)| *ck == k).map_or(v, |(_, cv)| *cv);
        if !(k == "persetujuan" && v.is_empty()) {
            fields.push((k, v));
        }
    }
    fields
}

const FORM: &str = "/layanan/konsultasi-hukum-asn";

#[test]
fn refused_fields_are_shown_next_to_each_field_with_the_input_kept() {
    let dir = tempfile::tempdir().unwrap();
    let server = server(dir.path());
    let mut c = Client::of(&server);
    let page = c.get(FORM);
    assert_eq!(page.status, 200);
    let (csrf, idem) = (hidden(&page.body, "_csrf"), hidden(&page.body, "_idem"));
    let fields =
        form_fields(&csrf, &idem, &[("nip", "12345"), ("email", "rina@"), ("telepon", "12"), ("persetujuan", "")]);
    let refused = c.post_multipart(FORM, &fields, &[]);
    assert_eq!(refused.status, 422, "{}", refused.body);
    for (field, word) in [("nip", "NIP"), ("email", "mail"), ("telepon", "elepon"), ("persetujuan", "")] {
        let message = refused.text(&format!("#f-{field}-kesalahan"));
        assert!(
            message.starts_with("Kesalahan:") && message.len() > 12 && message.contains(word),
            "{field}: {message}"
        );
        let described = refused.attr(&format!("#f-{field}"), "aria-describedby").unwrap_or_default();
        assert!(described.contains(&format!("f-{field}-kesalahan")), "{field} is not described by its error");
        assert_eq!(refused.attr(&format!("#f-{field}"), "aria-invalid").as_deref(), Some("true"));
        assert!(
            refused.attr(&format!(".error-summary a[href=\"#f-{field}\"]"), "href").is_some(),
            "summary links {field}"
        );
    }
    assert!(refused.text(".error-summary h2").starts_with("Ada 4 hal"), "{}", refused.text(".error-summary h2"));
    // Everything typed is kept, the fixed values too.
    assert_eq!(refused.attr("#f-nama", "value").as_deref(), Some("Rina Marlina"));
    assert_eq!(refused.attr("#f-nip", "value").as_deref(), Some("12345"));
    assert_eq!(
        refused.text("#f-uraian"),
        "Saya menerima surat keputusan hukuman disiplin tanpa pemeriksaan sebelumnya oleh atasan."
    );
    assert!(refused.attr("#f-kategori option[selected]", "value").as_deref() == Some("kepegawaian"));
    // Fixed, it goes through.
    let (csrf, idem) = (hidden(&refused.body, "_csrf"), hidden(&refused.body, "_idem"));
    let fixed = c.post_multipart(FORM, &form_fields(&csrf, &idem, &[]), &[("dokumen", "surat.pdf", &pdf())]);
    assert_eq!(fixed.status, 200, "{}", fixed.body);
    assert!(fixed.text("#kode-pelacakan").len() >= 8);
}

#[test]
fn bad_uploads_are_refused_at_the_file_field_and_the_files_must_be_chosen_again() {
    let dir = tempfile::tempdir().unwrap();
    let server = server(dir.path());
    let mut c = Client::of(&server);
    let page = c.get(FORM);
    let (csrf, idem) = (hidden(&page.body, "_csrf"), hidden(&page.body, "_idem"));
    // A web page named .pdf: not a type the field takes, whatever its name says.
    let disguised = c.post_multipart(
        FORM,
        &form_fields(&csrf, &idem, &[]),
        &[("dokumen", "surat.pdf", b"<html><script>alert(1)</script></html>")],
    );
    assert_eq!(disguised.status, 422, "{}", disguised.body);
    assert!(!disguised.text("#f-dokumen-kesalahan").is_empty());
    assert!(disguised.text("#f-dokumen-petunjuk").contains("pilih berkasnya lagi"));
    assert_eq!(disguised.attr("#f-nama", "value").as_deref(), Some("Rina Marlina"));

    let big = {
        let mut b = pdf();
        b.resize(10 * 1024 * 1024 + 1, b' ');
        b
    };
    let idem = hidden(&disguised.body, "_idem");
    let oversized = c.post_multipart(FORM, &form_fields(&csrf, &idem, &[]), &[("dokumen", "besar.pdf", &big)]);
    assert_eq!(oversized.status, 422, "{}", oversized.body);
    assert!(oversized.text("#f-dokumen-kesalahan").contains("10"), "{}", oversized.text("#f-dokumen-kesalahan"));

    // A PNG named .pdf where only PDF, DOCX or ODT is taken: the analyst's study document.
    let idem = hidden(&oversized.body, "_idem");
    assert_eq!(c.post_multipart(FORM, &form_fields(&csrf, &idem, &[]), &[]).status, 200);
    let mut verifier = Client::of(&server);
    verifier.sign_in("pokja_dokumentasi");
    let link = verifier.get("/staf/kotak-masuk").attr("#kotak-masuk tbody a", "href").expect("a case");
    let case = verifier.get(&link);
    let sent = verifier.post_multipart(
        &format!("{link}/tindakan/teruskan"),
        &[
            ("_csrf", &hidden(&case.body, "_csrf")),
            ("_idem", &hidden_in(&case.body, "#aksi-teruskan", "_idem")),
            ("expected_version", &hidden_in(&case.body, "#aksi-teruskan", "expected_version")),
        ],
        &[],
    );
    assert_eq!(sent.status, 303, "{}", sent.body);
    let mut analyst = Client::of(&server);
    analyst.sign_in("pokja_layanan");
    let case = analyst.get(&link);
    let refused = analyst.post_multipart(
        &format!("{link}/tindakan/ajukan_draf"),
        &[
            ("_csrf", &hidden(&case.body, "_csrf")),
            ("_idem", &hidden_in(&case.body, "#aksi-ajukan_draf", "_idem")),
            ("expected_version", &hidden_in(&case.body, "#aksi-ajukan_draf", "expected_version")),
            ("ringkasan", "Ringkasan kajian"),
        ],
        &[("dokumen_kajian", "kajian.pdf", &png())],
    );
    assert_eq!(refused.status, 422, "{}", refused.body);
    let message = refused.text("#f-aksi-ajukan_draf-dokumen-kajian-kesalahan");
    assert!(message.contains("PNG"), "{message}");
    assert_eq!(refused.text("#f-aksi-ajukan_draf-ringkasan"), "Ringkasan kajian", "the summary typed is kept");
}

#[test]
fn a_post_without_this_browsers_csrf_token_is_refused_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let server = server(dir.path());
    let mut c = Client::of(&server);
    let page = c.get(FORM);
    let idem = hidden(&page.body, "_idem");
    let missing = c.post_multipart(FORM, &form_fields("", &idem, &[]), &[]);
    assert_eq!(missing.status, 403);
    assert!(missing.text(".error-summary").contains("kedaluwarsa"));
    assert_eq!(missing.attr("#f-nama", "value").as_deref(), Some("Rina Marlina"), "the input is kept");
    // A token from another browser does not fit this one's nonce.
    let mut other = Client::of(&server);
    let foreign = hidden(&other.get(FORM).body, "_csrf");
    assert_eq!(c.post_multipart(FORM, &form_fields(&foreign, &idem, &[]), &[]).status, 403);
    // Staff: nothing was created.
    let mut staff = Client::of(&server);
    staff.sign_in("pokja_dokumentasi");
    assert!(staff.get("/staf/kotak-masuk").texts("#kotak-masuk tbody tr").is_empty());
}

#[test]
fn a_double_clicked_submit_creates_one_case() {
    let dir = tempfile::tempdir().unwrap();
    let server = server(dir.path());
    let mut c = Client::of(&server);
    let page = c.get(FORM);
    let (csrf, idem) = (hidden(&page.body, "_csrf"), hidden(&page.body, "_idem"));
    let fields = form_fields(&csrf, &idem, &[]);
    let first = c.post_multipart(FORM, &fields, &[("dokumen", "surat.pdf", &pdf())]);
    let second = c.post_multipart(FORM, &fields, &[("dokumen", "surat.pdf", &pdf())]);
    assert_eq!((first.status, second.status), (200, 200));
    assert_eq!(first.text("#kode-pelacakan"), second.text("#kode-pelacakan"));
    assert_eq!(first.copied("#kode-rahasia"), second.copied("#kode-rahasia"));
    let mut staff = Client::of(&server);
    staff.sign_in("pokja_dokumentasi");
    let rows = staff.get("/staf/kotak-masuk").texts("#kotak-masuk tbody tr");
    assert_eq!(rows.len(), 1, "{rows:?}");
}

#[test]
fn a_wrong_secret_is_shown_at_the_secret_field_and_never_enters_the_url() {
    let dir = tempfile::tempdir().unwrap();
    let server = server(dir.path());
    let mut c = Client::of(&server);
    let page = c.get(FORM);
    let receipt =
        c.post_multipart(FORM, &form_fields(&hidden(&page.body, "_csrf"), &hidden(&page.body, "_idem"), &[]), &[]);
    let code = receipt.text("#kode-pelacakan");
    let secret = receipt.copied("#kode-rahasia");
    let mut other = Client::of(&server);
    let form = other.get("/lacak");
    let csrf = hidden(&form.body, "_csrf");
    let wrong = other.post_form("/lacak", &[("_csrf", &csrf), ("kode", &code), ("rahasia", "salah-sekali")]);
    assert_eq!(wrong.status, 403);
    assert!(wrong.text("#f-rahasia-kesalahan").contains("tidak cocok"), "{}", wrong.text("#f-rahasia-kesalahan"));
    assert_eq!(wrong.attr("#f-kode", "value").as_deref(), Some(code.as_str()));
    assert_eq!(wrong.attr("#f-rahasia", "value").as_deref(), Some(""), "the secret is not echoed");
    let unknown = other.post_form("/lacak", &[("_csrf", &csrf), ("kode", "SGP-0000-0000"), ("rahasia", &secret)]);
    assert!(unknown.text("#f-kode-kesalahan").contains("tidak ditemukan"));
    let right = other.post_form("/lacak", &[("_csrf", &csrf), ("kode", &code), ("rahasia", &secret)]);
    assert_eq!(right.status, 303);
    assert_eq!(right.location.as_deref(), Some(format!("/lacak/{code}").as_str()));
    let cookie = right.header("set-cookie").unwrap_or_default().to_owned();
    assert!(cookie.contains(&format!("Path=/lacak/{code}")) && cookie.contains("HttpOnly"), "{cookie}");
    let tracking = other.get(&format!("/lacak/{code}"));
    assert!(tracking.text("#tahap").contains("diverifikasi"), "{}", tracking.text("#tahap"));
}

#[test]
fn a_stale_page_shows_that_the_case_moved_on() {
    let dir = tempfile::tempdir().unwrap();
    let server = server(dir.path());
    let mut c = Client::of(&server);
    let page = c.get(FORM);
    c.post_multipart(FORM, &form_fields(&hidden(&page.body, "_csrf"), &hidden(&page.body, "_idem"), &[]), &[]);
    let mut first = Client::of(&server);
    first.sign_in("pokja_dokumentasi");
    let inbox = first.get("/staf/kotak-masuk");
    let link = inbox.attr("#kotak-masuk tbody a", "href").expect("a case in the inbox");
    let old = first.get(&link);
    let old_version = hidden_in(&old.body, "#aksi-teruskan", "expected_version");
    // The same person in another tab claims the task: the case moves on.
    let mut second = Client::of(&server);
    second.sign_in("pokja_dokumentasi");
    let fresh = second.get(&link);
    let claimed = second.post_form(
        &format!("{link}/ambil"),
        &[
            ("_csrf", &hidden(&fresh.body, "_csrf")),
            ("expected_version", &hidden_in(&fresh.body, "form[action$=\"/ambil\"]", "expected_version")),
        ],
    );
    assert_eq!(claimed.status, 303, "{}", claimed.body);
    // The old page's form is refused as stale, and the page shows the case as it is now.
    let stale = first.post_multipart(
        &format!("{link}/tindakan/teruskan"),
        &[
            ("_csrf", &hidden(&old.body, "_csrf")),
            ("_idem", &hidden_in(&old.body, "#aksi-teruskan", "_idem")),
            ("expected_version", &old_version),
            ("catatan", "lengkap"),
        ],
        &[],
    );
    assert_eq!(stale.status, 409, "{}", stale.body);
    assert!(stale.text(".notice.warning").contains("telah berubah"), "{}", stale.text(".notice"));
    assert_eq!(stale.text("#pemegang"), "pokja_dokumentasi");
    assert!(stale.text("#tahap").contains("verifikasi"));
}

#[test]
fn an_expired_session_sends_the_person_to_sign_in_again_with_a_message() {
    use hmac::{Hmac, Mac};
    let dir = tempfile::tempdir().unwrap();
    let server = server(dir.path());
    let key = std::fs::read(dir.path().join("secret.key")).expect("the server's key");
    #[allow(clippy::disallowed_methods, reason = "the binary under test reads the same clock")]
    let (user, expiry, nonce) =
        ("pokja_dokumentasi", (chrono::Utc::now().timestamp() - 60).to_string(), "0123456789abcdef0123456789abcdef");
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&key).unwrap();
    for part in ["session", user, &expiry, nonce] {
        mac.update(part.as_bytes());
        mac.update(b"\x1f");
    }
    let mac: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
    let mut c = Client::of(&server);
    c.set_cookie("sigap_staff", "/staf", &format!("{user}.{expiry}.{nonce}.{mac}"));
    let redirected = c.get("/staf/kotak-masuk");
    assert_eq!(redirected.status, 303);
    let location = redirected.location.unwrap_or_default();
    assert!(location.starts_with("/staf?sesi=berakhir"), "{location}");
    assert!(c.cookie("sigap_staff").is_none(), "the expired cookie is cleared");
    let sign_in = c.get(&location);
    assert!(sign_in.text(".notice.warning").contains("Sesi Anda sudah berakhir"));
    assert_eq!(sign_in.attr("input[name=lanjut]", "value").as_deref(), Some("/staf/kotak-masuk"));
    // A wrong password is shown at the password field.
    let csrf = hidden(&sign_in.body, "_csrf");
    let wrong = c.post_form("/staf", &[("_csrf", &csrf), ("user", user), ("password", "salah")]);
    assert_eq!(wrong.status, 401);
    assert!(wrong.text("#f-password-kesalahan").contains("salah"));
}

#[test]
fn signing_out_ends_the_session_even_for_a_copy_of_its_cookie() {
    let dir = tempfile::tempdir().unwrap();
    let server = server(dir.path());
    let mut c = Client::of(&server);
    c.sign_in("pokja_dokumentasi");
    let inbox = c.get("/staf/kotak-masuk");
    assert_eq!(inbox.status, 200);
    let copied = c.cookie("sigap_staff").expect("a session cookie");
    // Without the session's CSRF token nothing happens: a forged sign-out form cannot end it.
    let forged = c.post_form("/staf/keluar", &[("_csrf", "palsu")]);
    assert_eq!(forged.status, 303);
    assert_eq!(c.get("/staf/kotak-masuk").status, 200, "still signed in");
    let csrf = hidden_in(&inbox.body, "form[action=\"/staf/keluar\"]", "_csrf");
    let out = c.post_form("/staf/keluar", &[("_csrf", &csrf)]);
    assert_eq!((out.status, out.location.as_deref()), (303, Some("/staf?keluar=1")));
    assert!(c.cookie("sigap_staff").is_none(), "the cookie is cleared");
    // A copy of the cookie taken before signing out opens nothing any more.
    let mut other = Client::of(&server);
    other.set_cookie("sigap_staff", "/staf", &copied);
    let refused = other.get("/staf/kotak-masuk");
    assert_eq!(refused.status, 303);
    let location = refused.location.unwrap_or_default();
    assert!(location.starts_with("/staf?sesi=berakhir"), "{location}");
}
