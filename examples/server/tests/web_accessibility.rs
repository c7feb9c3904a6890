//! HTML validity and basic accessibility of every key page, parsed as a
//! browser would: a language, a title, one `<h1>`, headings that do not
//! skip levels, unique ids, a `<label for>` for every control, references
//! (`aria-describedby`, `aria-labelledby`, `#fragment` links) that resolve,
//! text alternatives for SVG and images, radio groups in a fieldset with a
//! legend, a CSRF token in every POST form, and nothing the
//! Content-Security-Policy would block (no inline style or script).

mod web_support;

use std::collections::BTreeSet;

use scraper::{ElementRef, Html, Selector};
use web_support::{Client, Page, hidden, pdf, server, valid_request};

fn select<'a>(doc: &'a Html, css: &str) -> Vec<ElementRef<'a>> {
    let selector = Selector::parse(css).unwrap();
    doc.select(&selector).collect()
}

fn text_of(e: &ElementRef<'_>) -> String {
    e.text().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" ")
}

fn check(name: &str, page: &Page) {
    assert_eq!(page.status, 200, "{name}: status {}", page.status);
    let csp = page.header("content-security-policy").unwrap_or_default();
    assert!(csp.contains("default-src 'none'") && csp.contains("style-src 'self'"), "{name}: CSP {csp}");
    let doc = page.doc();
    let problems = problems(&doc);
    assert!(problems.is_empty(), "{name}:\n  {}", problems.join("\n  "));
}

fn problems(doc: &Html) -> Vec<String> {
    let mut out = Vec::new();
    let ids: Vec<String> = select(doc, "[id]").iter().map(|e| e.value().attr("id").unwrap().to_owned()).collect();
    let unique: BTreeSet<&String> = ids.iter().collect();
    if unique.len() != ids.len() {
        let mut seen = BTreeSet::new();
        let dups: Vec<&String> = ids.iter().filter(|i| !seen.insert(*i)).collect();
        out.push(format!("duplicate ids {dups:?}"));
    }
    let exists = |id: &str| unique.contains(&id.to_owned());
    if select(doc, "html").first().and_then(|h| h.value().attr("lang")).is_none_or(str::is_empty) {
        out.push("no lang".into());
    }
    if select(doc, "head title").first().is_none_or(|t| text_of(t).is_empty()) {
        out.push("no title".into());
    }
    let h1 = select(doc, "h1").len();
    if h1 != 1 {
        out.push(format!("{h1} h1 elements"));
    }
    let mut level = 0;
    for h in select(doc, "h1, h2, h3, h4, h5, h6") {
        let l: usize = h.value().name()[1..].parse().unwrap();
        if l > level + 1 {
            out.push(format!("heading h{l} `{}` after h{level}", text_of(&h)));
        }
        if text_of(&h).is_empty() {
            out.push(format!("empty h{l}"));
        }
        level = l;
    }
    for control in select(doc, "input:not([type=hidden]):not([type=submit]):not([type=button]), select, textarea") {
        let Some(id) = control.value().attr("id") else {
            out.push(format!("a {} named {:?} has no id", control.value().name(), control.value().attr("name")));
            continue;
        };
        let labels = select(doc, &format!("label[for=\"{id}\"]"));
        if labels.len() != 1 || text_of(&labels[0]).is_empty() {
            out.push(format!("#{id} has {} labels", labels.len()));
        }
    }
    for radio in select(doc, "input[type=radio]") {
        let mut parent = radio.parent();
        let mut in_fieldset = false;
        while let Some(p) = parent {
            if let Some(e) = ElementRef::wrap(p)
                && e.value().name() == "fieldset"
            {
                in_fieldset =
                    select(doc, "fieldset > legend").iter().any(|l| l.parent().map(|x| x.id()) == Some(e.id()));
                break;
            }
            parent = p.parent();
        }
        if !in_fieldset {
            out.push(format!("radio #{} is not in a fieldset with a legend", radio.value().attr("id").unwrap_or("?")));
        }
    }
    for attr in ["aria-describedby", "aria-labelledby"] {
        for e in select(doc, &format!("[{attr}]")) {
            for id in e.value().attr(attr).unwrap().split_whitespace() {
                if !exists(id) {
                    out.push(format!("{attr} points at missing #{id}"));
                }
            }
        }
    }
    for a in select(doc, "a[href^=\"#\"]") {
        let target = &a.value().attr("href").unwrap()[1..];
        if !exists(target) {
            out.push(format!("link to missing #{target}"));
        }
    }
    for a in select(doc, "a, button") {
        if text_of(&a).is_empty() && a.value().attr("aria-label").is_none() {
            out.push(format!("a {} without text", a.value().name()));
        }
    }
    for svg in select(doc, "svg") {
        let hidden = svg.value().attr("aria-hidden") == Some("true");
        let named = svg.value().attr("role") == Some("img")
            && svg.value().attr("aria-labelledby").is_some_and(|ids| {
                ids.split_whitespace().all(exists)
                    && select(doc, "svg > title").iter().any(|t| t.value().attr("id").is_some_and(|i| ids.contains(i)))
            });
        if !hidden && !named {
            out.push("an svg without a text alternative".into());
        }
    }
    if !select(doc, "svg line > :not(title), svg rect > :not(title), svg path > *, svg polygon > :not(title)")
        .is_empty()
    {
        out.push("an SVG shape holds other elements (void syntax in foreign content)".into());
    }
    for img in select(doc, "img") {
        if img.value().attr("alt").is_none() {
            out.push("an img without alt".into());
        }
    }
    if !select(doc, "[style], style, script").is_empty() {
        out.push("inline style or script (the CSP blocks it)".into());
    }
    for form in select(doc, "form") {
        if form.value().attr("method") == Some("post") {
            let token = form
                .select(&Selector::parse("input[name=_csrf]").unwrap())
                .next()
                .and_then(|i| i.value().attr("value").map(str::to_owned));
            if token.is_none_or(|t| t.len() < 32) {
                out.push(format!("a POST form to {:?} without a CSRF token", form.value().attr("action")));
            }
        }
    }
    out
}

#[test]
fn every_key_page_is_valid_and_accessible() {
    let dir = tempfile::tempdir().unwrap();
    let server = server(dir.path());
    let mut c = Client::of(&server);
    check("services", &c.get("/"));
    let form = c.get("/layanan/konsultasi-hukum-asn");
    check("intake form", &form);
    check("intake form with a date and radios", &c.get("/layanan/pendampingan-hukum"));
    let csrf = hidden(&form.body, "_csrf");
    let refused =
        c.post_multipart("/layanan/konsultasi-hukum-asn", &[("_csrf", &csrf), ("_idem", "k1"), ("nip", "1")], &[]);
    assert_eq!(refused.status, 422);
    check("intake form with errors", &Page { status: 200, ..refused });
    let mut fields: Vec<(&str, &str)> = vec![("_csrf", &csrf), ("_idem", "k2")];
    fields.extend(valid_request());
    let receipt = c.post_multipart("/layanan/konsultasi-hukum-asn", &fields, &[("dokumen", "a.pdf", &pdf())]);
    check("receipt", &receipt);
    let code = receipt.text("#kode-pelacakan");
    check("tracking page", &c.get(&format!("/lacak/{code}")));
    check("withdrawal page", &c.get(&format!("/lacak/{code}/tindakan/tarik")));
    let mut stranger = Client::of(&server);
    check("tracking form", &stranger.get("/lacak"));
    let lacak = stranger.get("/lacak");
    let wrong =
        stranger.post_form("/lacak", &[("_csrf", &hidden(&lacak.body, "_csrf")), ("kode", &code), ("rahasia", "x")]);
    check("tracking form with an error", &Page { status: 200, ..wrong });
    check("sign-in", &stranger.get("/staf"));
    // A mistyped or outdated link: a page in the person's language, not the API's JSON.
    let missing = stranger.get("/layanan-lama/tidak-ada");
    assert_eq!(missing.status, 404);
    assert!(missing.header("content-type").is_some_and(|t| t.starts_with("text/html")), "{:?}", missing.headers);
    assert_eq!(missing.text("h1"), "Halaman tidak ditemukan");
    check("unknown address", &Page { status: 200, ..missing });
    assert_eq!(stranger.get("/staf/tidak-ada?lang=en").text("h1"), "Page not found");
    let api = stranger.get("/api/v1/tidak-ada");
    assert_eq!(api.status, 404);
    assert!(api.header("content-type").is_some_and(|t| t.starts_with("application/json")), "{:?}", api.headers);
    assert!(api.body.contains("\"not_found\""), "{}", api.body);

    let mut staff = Client::of(&server);
    staff.sign_in("pokja_dokumentasi");
    let inbox = staff.get("/staf/kotak-masuk");
    check("inbox", &inbox);
    let english = staff.get("/staf/kotak-masuk?lang=en");
    check("inbox in English", &english);
    assert_eq!(english.attr("html", "lang").as_deref(), Some("en"));
    assert!(english.text("h1") == "Inbox");
    let link = inbox.attr("#kotak-masuk tbody a", "href").unwrap();
    check("case page", &staff.get(&link));
    check("procedure", &staff.get("/staf/prosedur/konsultasi-hukum-asn"));
    let mut analyst = Client::of(&server);
    analyst.sign_in("pokja_layanan");
    check("case page, redacted", &analyst.get(&link));
    let mut head = Client::of(&server);
    head.sign_in("kepala_biro");
    check("evaluation", &head.get("/staf/laporan"));
    check("evaluation in English", &head.get("/staf/laporan?lang=en"));
}

#[test]
fn the_checks_catch_what_they_look_for() {
    let bad = r##"<!DOCTYPE html><html><head></head><body><h1>A</h1><h3>skip</h3><h1>B</h1>
        <input id="x" name="x"><input id="x" name="y"><select name="s"></select>
        <a href="#nowhere">go</a><p aria-describedby="missing">p</p>
        <svg viewBox="0 0 1 1"><line x1="0"><text>t</text></line></svg>
        <form method="post" action="/z"><input type="radio" id="r" name="r"><label for="r">r</label></form>
        <div style="color:red"></div></body></html>"##;
    let found = problems(&Html::parse_document(bad)).join("\n");
    for expected in [
        "no lang",
        "no title",
        "2 h1",
        "h3 `skip` after h1",
        "duplicate ids",
        "#x has 0 labels",
        "select named Some(\"s\") has no id",
        "missing #nowhere",
        "missing #missing",
        "svg without a text alternative",
        "SVG shape holds",
        "not in a fieldset",
        "inline style",
        "without a CSRF token",
    ] {
        assert!(found.contains(expected), "`{expected}` not found in:\n{found}");
    }
}
