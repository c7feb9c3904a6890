//! The whole service in a real browser: headless Chromium driven over
//! WebDriver (Debian's `chromium` and `chromium-driver`; `.ci/run` installs
//! them) against the real `sigap` binary.
//!
//! An applicant fills the form with the keyboard alone (Tab from field to
//! field in a logical order, Enter on the button), attaches a document, is
//! refused one field, fixes it and gets a tracking code; staff sign in in
//! turn and take the case through verification, drafting, review and
//! answer, the analyst (`pokja_layanan`, no identity right) seeing the
//! identity redacted; the applicant enters the secret, reads the answer and
//! fills in the survey. Screenshots of each key page at phone and desktop
//! widths go to `target/screenshots/`.

mod web_support;

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use web_support::{binary_server as server, pdf, screenshots_dir};

const TAB: &str = "\u{E004}";
const ENTER: &str = "\u{E007}";
const SPACE: &str = "\u{E00D}";
const PHONE: (u32, u32) = (390, 844);
const DESKTOP: (u32, u32) = (1280, 900);

fn which(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    names.iter().find_map(|name| {
        let direct = Path::new(name);
        if direct.is_absolute() {
            return direct.exists().then(|| direct.to_path_buf());
        }
        std::env::split_paths(&path).map(|dir| dir.join(name)).find(|p| p.exists())
    })
}

const INSTALL: &str = "install Debian's Chromium and its WebDriver: `apt-get update && apt-get install -y chromium chromium-driver` (.ci/run does this)";

/// A chromedriver on a free port, stopped when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    fn start() -> Self {
        let driver = which(&["chromedriver", "/usr/lib/chromium/chromedriver"])
            .unwrap_or_else(|| panic!("the browser tests need `chromedriver`, which is not installed: {INSTALL}"));
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        // Under `scripts/test --moved-clock` the test processes run with
        // libfaketime preloaded; Chromium's renderer does not answer under
        // it, so the browser (which only shows pages) keeps the real clock
        // while the server it talks to runs on the moved one.
        // Its own process group, which the Chromium processes it starts
        // join: dropping the driver ends them all, so a failed or panicking
        // test leaves no browser running (one left behind kept both cores
        // busy for an hour and slowed every later test on the machine).
        let mut child = Command::new(driver)
            .process_group(0)
            .env_remove("LD_PRELOAD")
            .arg(format!("--port={port}"))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start chromedriver ({e}): {INSTALL}"));
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut tx = Some(tx);
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if line.contains("started successfully")
                    && let Some(tx) = tx.take()
                {
                    let _ = tx.send(());
                }
            }
        });
        rx.recv_timeout(Duration::from_secs(60)).expect("chromedriver says it started");
        Self { child, url: format!("http://127.0.0.1:{port}") }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).stderr(Stdio::null()).status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn browser(driver: &Driver, profile: &Path) -> Client {
    let chromium = which(&["/usr/lib/chromium/chromium", "chromium", "chromium-browser", "google-chrome"])
        .unwrap_or_else(|| panic!("the browser tests need Chromium, which is not installed: {INSTALL}"));
    let args = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
        "--lang=id-ID",
        &format!("--window-size={},{}", PHONE.0, PHONE.1),
        &format!("--user-data-dir={}", profile.display()),
    ];
    let capabilities = serde_json::json!({
        "browserName": "chrome",
        "goog:chromeOptions": { "binary": chromium, "args": args },
    });
    let serde_json::Value::Object(capabilities) = capabilities else { unreachable!() };
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(capabilities)
        .connect(&driver.url)
        .await
        .unwrap_or_else(|e| panic!("cannot open a Chromium session through chromedriver: {e}; {INSTALL}"))
}

async fn wait(c: &Client, css: &str) -> fantoccini::elements::Element {
    match c.wait().at_most(Duration::from_secs(30)).for_element(Locator::Css(css)).await {
        Ok(element) => element,
        Err(e) => {
            let url = c.current_url().await.map(|u| u.to_string()).unwrap_or_default();
            let source = c.source().await.unwrap_or_default();
            panic!("no `{css}` on {url}: {e}\n{source}")
        }
    }
}

async fn text(c: &Client, css: &str) -> String {
    wait(c, css).await.text().await.unwrap()
}

/// Presses a key on the keyboard (wherever the focus is).
async fn press(c: &Client, key: &str) {
    use fantoccini::actions::{InputSource, KeyAction, KeyActions};
    let key = key.chars().next().unwrap();
    let actions =
        KeyActions::new("keyboard".to_owned()).then(KeyAction::Down { value: key }).then(KeyAction::Up { value: key });
    c.perform_actions(actions).await.unwrap();
}

async fn active_id(c: &Client) -> String {
    c.active_element().await.unwrap().attr("id").await.unwrap().unwrap_or_default()
}

/// A screenshot of the whole page at the given width.
async fn shot(c: &Client, name: &str, width: u32) {
    let height: f64 = c
        .execute("return document.documentElement.scrollHeight", vec![])
        .await
        .ok()
        .and_then(|v| v.as_f64())
        .unwrap_or(900.0);
    c.set_window_size(width, (height as u32).clamp(600, 6000)).await.unwrap();
    let png = c.screenshot().await.unwrap();
    std::fs::write(screenshots_dir().join(format!("{name}.png")), png).unwrap();
    c.set_window_size(width, if width == PHONE.0 { PHONE.1 } else { DESKTOP.1 }).await.unwrap();
}

async fn sign_in(c: &Client, base: &str, user: &str) {
    c.goto(&format!("{base}/staf")).await.unwrap();
    wait(c, "#f-user").await.send_keys(user).await.unwrap();
    press(c, TAB).await;
    assert_eq!(active_id(c).await, "f-password");
    c.active_element().await.unwrap().send_keys(&format!("sigap-demo{ENTER}")).await.unwrap();
    wait(c, ".summary-cards").await;
    assert!(c.current_url().await.unwrap().path().starts_with("/staf/kotak-masuk"), "{user} is in the inbox");
}

async fn sign_out(c: &Client) {
    c.find(Locator::Css("header nav form button")).await.unwrap().click().await.unwrap();
    wait(c, "#f-user").await;
}

async fn open_case(c: &Client, code: &str) {
    wait(c, "#kotak-masuk").await;
    c.find(Locator::LinkText(code)).await.unwrap().click().await.unwrap();
    wait(c, "#riwayat-judul").await;
}

async fn act(c: &Client, action: &str) {
    c.find(Locator::Css(&format!("#aksi-{action} button[type=submit]"))).await.unwrap().click().await.unwrap();
    let notice = text(c, &format!("#berhasil[data-action={action}] .notice")).await;
    assert!(notice.contains("berhasil"), "{action}: {notice}");
}

/// The page is no wider than the window (nothing scrolls sideways).
async fn fits(c: &Client, what: &str) {
    let widths = c.execute("return [document.documentElement.scrollWidth, window.innerWidth]", vec![]).await.unwrap();
    let (page, window) = (widths[0].as_f64().unwrap(), widths[1].as_f64().unwrap());
    assert!(page <= window, "{what} is {page} px wide in a {window} px window");
}

/// Tab from the top of a freshly loaded page through the header: each
/// focused link or button, with the contrast of its text on its background.
async fn header_focus_contrast(c: &Client) -> Vec<(String, f64)> {
    const CONTRAST: &str = r#"
        const el = document.activeElement;
        if (!el || !el.closest('header')) return null;
        const rgb = (c) => c.match(/[\d.]+/g).map(Number);
        const lum = (c) => { const [r, g, b] = rgb(c).slice(0, 3).map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
        let bg = el, back = 'rgb(255, 255, 255)';
        while (bg) { const c = getComputedStyle(bg).backgroundColor; const v = rgb(c); if (v.length < 4 || v[3] > 0) { back = c; break; } bg = bg.parentElement; }
        const [a, b] = [lum(getComputedStyle(el).color), lum(back)];
        return [el.textContent.trim(), (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)];
    "#;
    let mut found = Vec::new();
    for _ in 0..30 {
        press(c, TAB).await;
        match c.execute(CONTRAST, vec![]).await.unwrap() {
            serde_json::Value::Array(pair) => {
                found.push((pair[0].as_str().unwrap_or("").to_owned(), pair[1].as_f64().unwrap_or(0.0)));
            }
            _ if !found.is_empty() => break,
            _ => {}
        }
    }
    found
}

/// Issue 19's page defects, in a real browser: at 360 px no page scrolls
/// sideways (the staff case page did, through its file input); a focused
/// header link keeps readable text (white on yellow, 1.35:1); an error
/// summary's link leaves the field's label in view; the survey's 1–5 scale
/// stays on one line.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_fit_a_small_phone_and_focused_header_links_stay_readable() {
    const SMALL: (u32, u32) = (360, 740);
    let dir = tempfile::tempdir().unwrap();
    let profile = tempfile::tempdir().unwrap();
    let server = server(dir.path());
    let base = server.url.clone();
    let mut submitted = sigap_tests::Server::agent()
        .post(&format!("{base}/api/v1/workflows/konsultasi-hukum-asn/cases"))
        .send_json(serde_json::json!({ "form": sigap_tests::sumbar_form("Rina Marlina") }))
        .unwrap();
    assert_eq!(submitted.status().as_u16(), 201);
    let receipt: serde_json::Value = submitted.body_mut().read_json().unwrap();
    let code = receipt["tracking_code"].as_str().unwrap().to_owned();
    let driver = Driver::start();
    let c = browser(&driver, profile.path()).await;
    c.set_window_size(SMALL.0, SMALL.1).await.unwrap();

    for path in ["/", "/layanan/konsultasi-hukum-asn", "/lacak", "/staf"] {
        c.goto(&format!("{base}{path}")).await.unwrap();
        wait(&c, "main h1").await;
        fits(&c, path).await;
        let focused = header_focus_contrast(&c).await;
        assert!(!focused.is_empty(), "{path}: the header has links");
        for (name, ratio) in &focused {
            assert!(*ratio >= 4.5, "{path}: focused `{name}` has contrast {ratio:.2}:1");
        }
    }
    // An error summary's link brings the field with its label into view.
    c.goto(&format!("{base}/layanan/konsultasi-hukum-asn")).await.unwrap();
    wait(&c, "#f-nama").await;
    c.find(Locator::Css("form.stack button[type=submit]")).await.unwrap().click().await.unwrap();
    wait(&c, ".error-summary a[href=\"#f-pertanyaan\"]").await.send_keys(ENTER).await.unwrap();
    let label_top = c
        .execute("return document.querySelector('label[for=f-pertanyaan]').getBoundingClientRect().top", vec![])
        .await
        .unwrap();
    assert!(label_top.as_f64().unwrap() >= 0.0, "the label is above the window: {label_top}");
    fits(&c, "the form with errors").await;

    sign_in(&c, &base, "pokja_dokumentasi").await;
    fits(&c, "the inbox").await;
    let focused = header_focus_contrast(&c).await;
    assert!(focused.len() >= 4, "{focused:?}");
    for (name, ratio) in &focused {
        assert!(*ratio >= 4.5, "staff header: focused `{name}` has contrast {ratio:.2}:1");
    }
    open_case(&c, &code).await;
    fits(&c, "the staff case page").await;
    for path in ["/staf/kasus", "/staf/kasus?state=open&sort=due"] {
        c.goto(&format!("{base}{path}")).await.unwrap();
        wait(&c, "#daftar-kasus").await;
        fits(&c, path).await;
    }
    shot(&c, "20-semua-kasus-ponsel", SMALL.0).await;
    c.set_window_size(DESKTOP.0, DESKTOP.1).await.unwrap();
    shot(&c, "20-semua-kasus-desktop", DESKTOP.0).await;
    c.set_window_size(SMALL.0, SMALL.1).await.unwrap();
    sign_out(&c).await;
    sign_in(&c, &base, "kepala_biro").await;
    for path in ["/staf/pengawasan", "/staf/laporan"] {
        c.goto(&format!("{base}{path}")).await.unwrap();
        wait(&c, "main h1").await;
        fits(&c, path).await;
        if path == "/staf/laporan" {
            // Chart labels stay readable on a phone (issue 19: about 5 px):
            // the chart scrolls in its figure instead of shrinking.
            let smallest = c
                .execute(
                    "return Math.min(...[...document.querySelectorAll('figure.chart svg text')].map(t => t.getBoundingClientRect().height).filter(h => h > 0))",
                    vec![],
                )
                .await
                .unwrap();
            assert!(smallest.as_f64().unwrap() >= 10.0, "the smallest chart label is {smallest} px tall");
        }
        if path == "/staf/pengawasan" {
            shot(&c, "21-pengawasan-ponsel", SMALL.0).await;
            c.set_window_size(DESKTOP.0, DESKTOP.1).await.unwrap();
            shot(&c, "21-pengawasan-desktop", DESKTOP.0).await;
            c.set_window_size(SMALL.0, SMALL.1).await.unwrap();
        }
    }
    c.close().await.unwrap();
    drop(server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_goes_from_the_form_to_the_answer_and_the_survey_in_a_browser() {
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let profile = tempfile::tempdir().unwrap();
    let document = files.path().join("surat-keputusan.pdf");
    std::fs::write(&document, pdf()).unwrap();
    let study = files.path().join("kajian.pdf");
    std::fs::write(&study, pdf()).unwrap();
    let answer = files.path().join("jawaban.pdf");
    std::fs::write(&answer, pdf()).unwrap();

    let server = server(dir.path());
    let base = server.url.clone();
    let driver = Driver::start();
    let c = browser(&driver, profile.path()).await;

    // The applicant, on a phone.
    c.goto(&format!("{base}/")).await.unwrap();
    wait(&c, "ul.services").await;
    shot(&c, "01-layanan-ponsel", PHONE.0).await;
    c.find(Locator::Css("a[href=\"/layanan/konsultasi-hukum-asn\"]")).await.unwrap().click().await.unwrap();
    wait(&c, "#f-nama").await.click().await.unwrap();
    shot(&c, "02-formulir-ponsel", PHONE.0).await;
    // Keyboard only from here: type, Tab to the next field, in the page's order.
    let steps: [(&str, &str); 14] = [
        ("f-nama", "Rina Marlina"),
        ("f-nip", "12345"),
        ("f-jabatan", "Analis Kebijakan"),
        ("f-unit-kerja", "Dinas Pendidikan"),
        ("f-alamat", "Jl. Khatib Sulaiman No. 1, Padang"),
        ("f-telepon", "0812 3456 7890"),
        ("f-email", "rina.marlina@example.go.id"),
        ("f-kategori", "Kep"),
        ("f-produk-diharapkan-kosong", ""),
        ("f-pokok-masalah", "Keberatan atas hukuman disiplin"),
        ("f-uraian", "Saya menerima surat keputusan hukuman disiplin tanpa pemeriksaan sebelumnya oleh atasan."),
        ("f-pertanyaan", "Apakah saya dapat mengajukan keberatan, dan bagaimana caranya?"),
        ("f-dokumen", ""),
        ("f-persetujuan", ""),
    ];
    for (id, typed) in steps {
        assert_eq!(active_id(&c).await, id, "focus order");
        let field = c.active_element().await.unwrap();
        if id == "f-dokumen" {
            field.send_keys(&document.display().to_string()).await.unwrap();
        } else if !typed.is_empty() {
            field.send_keys(typed).await.unwrap();
        }
        press(&c, TAB).await;
    }
    // Consent left unticked, NIP wrong: Enter on the button.
    let button = c.active_element().await.unwrap();
    assert_eq!(button.tag_name().await.unwrap(), "button");
    press(&c, ENTER).await;
    wait(&c, ".error-summary").await;
    assert!(text(&c, "#f-nip-kesalahan").await.contains("NIP"));
    assert!(!text(&c, "#f-persetujuan-kesalahan").await.is_empty());
    assert!(text(&c, "#f-dokumen-petunjuk").await.contains("pilih berkasnya lagi"));
    assert_eq!(
        c.find(Locator::Css("#f-nama")).await.unwrap().prop("value").await.unwrap().as_deref(),
        Some("Rina Marlina")
    );
    assert!(
        c.active_element().await.unwrap().attr("class").await.unwrap().unwrap_or_default().contains("error-summary"),
        "the summary has focus"
    );
    shot(&c, "03-formulir-kesalahan-ponsel", PHONE.0).await;
    // From the summary's link to the field, fix it, re-attach, tick, send.
    c.find(Locator::Css(".error-summary a[href=\"#f-nip\"]")).await.unwrap().send_keys(ENTER).await.unwrap();
    let nip = c.find(Locator::Css("#f-nip")).await.unwrap();
    nip.clear().await.unwrap();
    nip.send_keys("19820414 200604 2 003").await.unwrap();
    c.find(Locator::Css("#f-dokumen")).await.unwrap().send_keys(&document.display().to_string()).await.unwrap();
    let consent = c.find(Locator::Css("#f-persetujuan")).await.unwrap();
    consent.send_keys(SPACE).await.unwrap();
    assert!(consent.is_selected().await.unwrap());
    press(&c, TAB).await;
    press(&c, ENTER).await;
    let code = text(&c, "#kode-pelacakan").await;
    let secret = text(&c, "#kode-rahasia").await;
    assert!(!code.is_empty() && secret.len() > 20);
    assert!(!c.current_url().await.unwrap().as_str().contains(&secret), "the secret is never in a URL");
    shot(&c, "04-tanda-terima-ponsel", PHONE.0).await;

    // Staff, on a desktop.
    c.set_window_size(DESKTOP.0, DESKTOP.1).await.unwrap();
    sign_in(&c, &base, "pokja_dokumentasi").await;
    shot(&c, "05-kotak-masuk-desktop", DESKTOP.0).await;
    c.set_window_size(PHONE.0, PHONE.1).await.unwrap();
    shot(&c, "05-kotak-masuk-ponsel", PHONE.0).await;
    c.set_window_size(DESKTOP.0, DESKTOP.1).await.unwrap();
    open_case(&c, &code).await;
    assert!(text(&c, "dd[data-field=nama]").await.contains("Rina Marlina"), "the verifier sees the identity");
    assert!(text(&c, "#verifikasi").await.contains("utuh"));
    c.find(Locator::Css("form[action$=\"/ambil\"] button")).await.unwrap().click().await.unwrap();
    assert!(text(&c, "#berhasil[data-action=ambil] .notice").await.contains("Anda ambil"));
    assert_eq!(text(&c, "#pemegang").await, "pokja_dokumentasi");
    c.find(Locator::Css("#aksi-teruskan textarea"))
        .await
        .unwrap()
        .send_keys("Data lengkap dan sesuai ruang lingkup.")
        .await
        .unwrap();
    act(&c, "teruskan").await;
    sign_out(&c).await;

    sign_in(&c, &base, "pokja_layanan").await;
    open_case(&c, &code).await;
    wait(&c, "dd[data-field=nama] .badge.redacted").await;
    let source = c.source().await.unwrap();
    for identity in ["Rina Marlina", "19820414", "rina.marlina@", "Khatib Sulaiman", "3456 7890"] {
        assert!(!source.contains(identity), "the analyst's page shows `{identity}`");
    }
    assert!(text(&c, "dd[data-field=pokok_masalah]").await.contains("Keberatan atas hukuman disiplin"));
    shot(&c, "06-kasus-analis-dirahasiakan-desktop", DESKTOP.0).await;
    c.set_window_size(PHONE.0, PHONE.1).await.unwrap();
    shot(&c, "07-kasus-analis-dirahasiakan-ponsel", PHONE.0).await;
    c.set_window_size(DESKTOP.0, DESKTOP.1).await.unwrap();
    c.find(Locator::Css("#f-aksi-ajukan_draf-dokumen-kajian"))
        .await
        .unwrap()
        .send_keys(&study.display().to_string())
        .await
        .unwrap();
    c.find(Locator::Css("#f-aksi-ajukan_draf-ringkasan"))
        .await
        .unwrap()
        .send_keys("Keberatan dapat diajukan kepada atasan pejabat yang berwenang menghukum.")
        .await
        .unwrap();
    act(&c, "ajukan_draf").await;
    sign_out(&c).await;

    sign_in(&c, &base, "kepala_bagian").await;
    open_case(&c, &code).await;
    act(&c, "setujui").await;
    sign_out(&c).await;

    sign_in(&c, &base, "pokja_dokumentasi").await;
    open_case(&c, &code).await;
    c.find(Locator::Css("#f-aksi-kirim_jawaban-produk-0")).await.unwrap().click().await.unwrap();
    c.find(Locator::Css("#f-aksi-kirim_jawaban-dokumen-jawaban"))
        .await
        .unwrap()
        .send_keys(&answer.display().to_string())
        .await
        .unwrap();
    c.find(Locator::Css("#f-aksi-kirim_jawaban-ringkasan-jawaban"))
        .await
        .unwrap()
        .send_keys("Jawaban hukum terlampir. Keberatan dapat diajukan dalam 14 hari.")
        .await
        .unwrap();
    act(&c, "kirim_jawaban").await;
    assert!(text(&c, "#tahap").await.contains("Jawaban hukum telah disampaikan"));
    assert!(text(&c, "#verifikasi").await.contains("utuh"));
    shot(&c, "08-kasus-selesai-desktop", DESKTOP.0).await;
    c.goto(&format!("{base}/staf/prosedur/konsultasi-hukum-asn")).await.unwrap();
    wait(&c, "figure.chart svg").await;
    shot(&c, "09-prosedur-desktop", DESKTOP.0).await;
    sign_out(&c).await;

    // The applicant again, on another phone: no cookie, the secret typed in.
    c.delete_all_cookies().await.unwrap();
    c.set_window_size(PHONE.0, PHONE.1).await.unwrap();
    c.goto(&format!("{base}/lacak")).await.unwrap();
    wait(&c, "#f-kode").await.send_keys(&code).await.unwrap();
    press(&c, TAB).await;
    c.active_element().await.unwrap().send_keys(&format!("SALAH-{ENTER}")).await.unwrap();
    assert!(text(&c, "#f-rahasia-kesalahan").await.contains("tidak cocok"));
    let secret_field = c.find(Locator::Css("#f-rahasia")).await.unwrap();
    secret_field.send_keys(&format!("{secret}{ENTER}")).await.unwrap();
    assert!(text(&c, "#tahap").await.contains("Selesai"));
    assert!(text(&c, "#jawaban-judul ~ p").await.contains("Jawaban hukum terlampir"));
    wait(&c, "section a[href*=\"/berkas/\"]").await;
    assert!(!c.current_url().await.unwrap().as_str().contains(&secret));
    // The 1–5 scale stays on one line on a small phone (issue 19: it wrapped at 390 px).
    c.set_window_size(360, PHONE.1).await.unwrap();
    let tops = c
        .execute(
            "return [...document.querySelectorAll('label[for^=\"f-survei-answers-kemudahan-\"]')].map(l => l.getBoundingClientRect().top)",
            vec![],
        )
        .await
        .unwrap();
    let tops: Vec<f64> = tops.as_array().unwrap().iter().map(|t| t.as_f64().unwrap()).collect();
    assert_eq!(tops.len(), 5, "{tops:?}");
    assert!(tops.iter().all(|t| (t - tops[0]).abs() < 1.0), "one line: {tops:?}");
    fits(&c, "the tracking page with the survey").await;
    c.set_window_size(PHONE.0, PHONE.1).await.unwrap();
    for question in ["kemudahan", "kecepatan", "kejelasan", "manfaat", "kerahasiaan"] {
        c.find(Locator::Css(&format!("#f-survei-answers-{question}-4"))).await.unwrap().click().await.unwrap();
    }
    c.find(Locator::Css("#f-survei-answers-saran")).await.unwrap().send_keys("Cepat dan jelas.").await.unwrap();
    shot(&c, "10-lacak-jawaban-ponsel", PHONE.0).await;
    c.find(Locator::Css("form[action$=\"/survei\"] button")).await.unwrap().click().await.unwrap();
    assert!(text(&c, "#pemberitahuan .notice.success").await.contains("Terima kasih"));
    c.set_window_size(DESKTOP.0, DESKTOP.1).await.unwrap();
    shot(&c, "11-lacak-selesai-desktop", DESKTOP.0).await;

    // The head of the bureau reads this year's evaluation.
    sign_in(&c, &base, "kepala_biro").await;
    c.goto(&format!("{base}/staf/laporan")).await.unwrap();
    wait(&c, "figure.chart svg").await;
    assert_eq!(text(&c, "[data-key=\"konsultasi-hukum-asn:received\"]").await, "1");
    assert_eq!(text(&c, "[data-key=\"konsultasi-hukum-asn:survey_responses\"]").await, "1");
    shot(&c, "12-laporan-desktop", DESKTOP.0).await;
    c.set_window_size(PHONE.0, PHONE.1).await.unwrap();
    shot(&c, "13-laporan-ponsel", PHONE.0).await;

    c.close().await.unwrap();
    drop(server);
}
