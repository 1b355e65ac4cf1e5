//! The workshop book and the shootout's report, in a real browser.
//!
//! Builds the book (`mdbook build book`) and a small report (the
//! shootout's `--html` on two URLs), then loads every page in headless
//! Chromium over the DevTools protocol and checks what an instructor
//! would see on the projector:
//! - every page renders: a heading, no script error, no resource that
//!   failed to load, no image that did not decode;
//! - every link inside the book leads to a page (and its `#anchor`) that
//!   exists, and none leaves the book (it works offline);
//! - every slide page of the README's slide map has its code block, with
//!   the code in it (an `{{#include}}` that failed would show as text);
//! - the report has a row for every approach and fetches nothing;
//! - a slide page's screenshot, at 1280x720, is not blank (it is kept in
//!   cargo's test folder to look at).
//!
//! It needs `mdbook` and `chromium` on PATH: without them the test is
//! ignored, and `cargo test` says so (`build.rs`). CI installs both and
//! sets `BOOK_TESTS_REQUIRE_TOOLS=1`, so there it runs or fails.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::cdp::{Browser, Tab};
use crate::smoke::approaches;

const BIN: &str = env!("CARGO_BIN_EXE_shootout");

/// The slide page whose screenshot is checked (and kept).
const SCREENSHOT_PAGE: &str = "talk-01/sequential-approach.html";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The first Chromium on PATH, by the names `build.rs` looks for.
fn chromium() -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| {
            std::env::split_paths(&path).map(move |d| {
                d.join(format!("{name}{}", std::env::consts::EXE_SUFFIX))
            })
        })
        .find(|p| p.is_file())
        .expect(
            "no chromium on PATH (Debian: apt-get install chromium); \
             BOOK_TESTS_REQUIRE_TOOLS=1 makes this a failure",
        )
}

#[test]
#[cfg_attr(
    book_tools_missing,
    ignore = "skipped: needs mdbook (cargo install mdbook --locked \
              --version 0.5.4) and chromium on PATH"
)]
fn the_book_and_a_report_render_in_chromium() {
    let out = tempfile::tempdir().unwrap();
    let book = out.path().join("book");
    build_book(&book);
    let report = out.path().join("report.html");
    small_report(&report);

    let chromium = chromium();
    let browser =
        Browser::launch(&chromium, (1280, 720), &["--hide-scrollbars"])
            .unwrap_or_else(|e| panic!("{}: {e}", chromium.display()));
    let mut failures = Vec::new();
    // 404.html is for a web server (`mdbook serve` answers a missing page
    // with it, and its links start at the site's root): as a file it
    // cannot load its scripts, and no page links to it.
    let pages: Vec<PathBuf> = workshop::book::files_under(&book, "html")
        .into_iter()
        .filter(|p| !p.ends_with("404.html"))
        .collect();
    assert!(
        pages.len() >= 80,
        "only {} pages in {}",
        pages.len(),
        book.display()
    );
    let slide_pages = slide_pages();
    // A page load is mostly waiting for Chromium to call it loaded, so
    // four tabs share the pages.
    let chunk = pages.len().div_ceil(TABS);
    let results: Vec<(Vec<String>, usize)> = std::thread::scope(|s| {
        let workers: Vec<_> = pages
            .chunks(chunk)
            .map(|some| {
                let (browser, book, slides) = (&browser, &book, &slide_pages);
                s.spawn(move || check_pages(browser, book, some, slides))
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("a tab's checks do not panic"))
            .collect()
    });
    let mut with_code = 0;
    for (found, checked) in results {
        failures.extend(found);
        with_code += checked;
    }
    let mut tab = open_tab(&browser);
    // Every row of the slide map was one of the pages loaded.
    for rel in slide_pages.keys() {
        if !pages.iter().any(|p| p.ends_with(rel)) {
            failures.push(format!("{rel}: on the slide map, not in the book"));
        }
    }

    failures.extend(check_report(&mut tab, &report));
    failures.extend(check_screenshot(&mut tab, &book.join(SCREENSHOT_PAGE)));
    assert!(
        failures.is_empty(),
        "the book built from {} and the report, in {}:\n{}\n",
        root().join("book").display(),
        chromium.display(),
        failures.join("\n")
    );
    assert!(with_code >= 70, "only {with_code} slide pages checked");
}

/// Tabs loading pages at once.
const TABS: usize = 4;

/// A tab with the projector's viewport.
fn open_tab(browser: &Browser) -> Tab {
    let mut tab = browser.new_tab().expect("a tab");
    // The projector's 1280x720 is the page's viewport, not the window's
    // outer size (a headless window keeps room for a browser's frame).
    tab.call(
        "Emulation.setDeviceMetricsOverride",
        json!({"width": 1280, "height": 720, "deviceScaleFactor": 1, "mobile": false}),
    )
    .expect("a 1280x720 viewport");
    tab
}

/// Loads `pages` in a tab of its own: what is wrong with them, and how
/// many slide pages were among them.
fn check_pages(
    browser: &Browser,
    book: &Path,
    pages: &[PathBuf],
    slide_pages: &std::collections::BTreeMap<String, (String, bool)>,
) -> (Vec<String>, usize) {
    let mut tab = open_tab(browser);
    let mut failures = Vec::new();
    let mut with_code = 0;
    for page in pages {
        let rel = page.strip_prefix(book).unwrap().to_string_lossy();
        let rel = rel.replace('\\', "/");
        let seen = load(&mut tab, page);
        for p in seen.problems {
            failures.push(format!("{rel}: {p}"));
        }
        for p in check_links(book, &seen.links) {
            failures.push(format!("{rel}: {p}"));
        }
        if let Some((title, wants_rust)) = slide_pages.get(&rel) {
            with_code += 1;
            if seen.h1.trim().is_empty() {
                failures.push(format!("{rel}: no heading (want {title:?})"));
            }
            failures.extend(check_code(&rel, &seen.code, *wants_rust));
        }
    }
    (failures, with_code)
}

/// `mdbook build book -d DEST`; any warning is a failure too (a missing
/// anchor is only a warning to mdBook, and a hole on the page).
fn build_book(dest: &Path) {
    let output = std::process::Command::new("mdbook")
        .arg("build")
        .arg(root().join("book"))
        .arg("-d")
        .arg(dest)
        .output()
        .expect("mdbook runs (cargo install mdbook --locked --version 0.5.4)");
    let log = String::from_utf8_lossy(&output.stderr).into_owned()
        + &String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "mdbook build book -d {} failed:\n{log}",
        dest.display()
    );
    let warnings: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("WARN") || l.contains("ERROR"))
        .collect();
    assert!(
        warnings.is_empty(),
        "mdbook build book warned:\n{}",
        warnings.join("\n")
    );
}

/// The shootout on two URLs, download only, with `--html`: every
/// approach gets its row (the numbers do not matter, debug builds).
fn small_report(html: &Path) {
    let bin_dir = Path::new(BIN).parent().expect("a binary is in a folder");
    let output = testkit::command(BIN)
        .arg("--bin-dir")
        .arg(bin_dir)
        .args(["--urls", "2", "--latency", "10", "--repeat", "1"])
        .args(["--workload", "download", "--workers", "2", "--html"])
        .arg(html)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "shootout --bin-dir {} --html {} failed (a demo binary missing? \
         `cargo build --bins` first):\n{}",
        bin_dir.display(),
        html.display(),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The book's pages on the slide map, as `talk-01/daemons.html`, with
/// the page's title and whether its row has a Rust file.
fn slide_pages() -> std::collections::BTreeMap<String, (String, bool)> {
    let readme = fs::read_to_string(root().join("README.md")).unwrap();
    let (text, line) = workshop::section(&readme, "Slide map")
        .expect("README.md has a slide map");
    let chapters = workshop::book::slide_map(text, line)
        .unwrap_or_else(|e| panic!("the slide map: {e}"));
    chapters
        .iter()
        .flat_map(|c| &c.pages)
        .map(|p| {
            let rel = p
                .path
                .trim_start_matches(workshop::book::BOOK_SRC)
                .trim_start_matches('/')
                .replace(".md", ".html");
            let rust = p.files.iter().any(|f| f.ends_with(".rs"));
            (rel, (p.title.clone(), rust))
        })
        .collect()
}

/// What one page showed.
struct Seen {
    h1: String,
    links: Vec<String>,
    code: Vec<Value>,
    problems: Vec<String>,
}

/// Runs once the page and its images have loaded: what the checks need.
const INSPECT: &str = r#"(async () => {
  await Promise.all(Array.from(document.images).map(i => i.complete
    ? null : new Promise(r => { i.onload = r; i.onerror = r; })));
  const main = document.querySelector('main');
  return JSON.stringify({
    h1: document.querySelector('h1') ? document.querySelector('h1').textContent : '',
    main: !!main,
    toc: !!document.querySelector('ol.chapter'),
    images: Array.from(document.images)
      .filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src),
    links: Array.from(document.querySelectorAll('a[href]')).map(a => a.href),
    code: Array.from(document.querySelectorAll('main pre > code')).map(c => ({
      lang: c.className, text: c.textContent,
      wide: c.parentElement.scrollWidth > c.parentElement.clientWidth + 1,
    })),
    fetched: performance.getEntriesByType('resource')
      .map(r => r.name).filter(n => !n.startsWith('file:')),
  });
})()"#;

fn load(tab: &mut Tab, page: &Path) -> Seen {
    tab.take_problems();
    let url = file_url(page);
    let mut seen = Seen {
        h1: String::new(),
        links: Vec::new(),
        code: Vec::new(),
        problems: Vec::new(),
    };
    if let Err(e) = tab.navigate(&url) {
        seen.problems.push(format!("does not load: {e}"));
        return seen;
    }
    let value = match tab.evaluate(INSPECT) {
        Ok(v) => v,
        Err(e) => {
            seen.problems.push(format!("cannot be inspected: {e}"));
            return seen;
        }
    };
    let info: Value = value
        .as_str()
        .and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or(Value::Null);
    // A book page renders into <main>; the report is one page of its
    // own; toc.html is the book's sidebar alone (for readers without
    // JavaScript). Each has its heading, or its list of chapters.
    let h1 = info["h1"].as_str().unwrap_or_default();
    let rendered = if page.ends_with("toc.html") {
        info["toc"] == Value::Bool(true)
    } else if page.ends_with("report.html") {
        !h1.trim().is_empty()
    } else {
        info["main"] == Value::Bool(true) && !h1.trim().is_empty()
    };
    if !rendered {
        seen.problems
            .push("did not render: no heading (or no <main>)".into());
    }
    for img in info["images"].as_array().into_iter().flatten() {
        seen.problems.push(format!("broken image {img}"));
    }
    for url in info["fetched"].as_array().into_iter().flatten() {
        seen.problems
            .push(format!("fetched {url} (the book is offline)"));
    }
    seen.h1 = info["h1"].as_str().unwrap_or_default().to_owned();
    seen.links = info["links"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|l| l.as_str().map(str::to_owned))
        .collect();
    seen.code = info["code"].as_array().cloned().unwrap_or_default();
    seen.problems.extend(tab.take_problems());
    seen
}

fn file_url(path: &Path) -> String {
    let path = path.canonicalize().expect("the page exists");
    let text = path.to_string_lossy().replace('\\', "/");
    let text = text.trim_start_matches("//?/");
    if text.starts_with('/') {
        format!("file://{text}")
    } else {
        format!("file:///{text}")
    }
}

/// Every link stays in the book and leads somewhere: a file that exists,
/// and an element with the `#id` it names.
fn check_links(book: &Path, links: &[String]) -> Vec<String> {
    let book = book.canonicalize().unwrap();
    let mut found = Vec::new();
    for link in links.iter().collect::<BTreeSet<_>>() {
        if link.starts_with("http://") || link.starts_with("https://") {
            found.push(format!("links out of the book: {link}"));
            continue;
        }
        let Some(rest) = link.strip_prefix("file://") else {
            continue; // javascript:, mailto: (none expected)
        };
        let (file, fragment) = match rest.split_once('#') {
            Some((f, frag)) => (f, Some(frag)),
            None => (rest, None),
        };
        let file = file.split('?').next().unwrap_or(file);
        let mut target = PathBuf::from(percent_decode(file));
        if target.is_dir() {
            target = target.join("index.html");
        }
        if !target.starts_with(&book) {
            found.push(format!("links out of the book: {link}"));
        } else if !target.is_file() {
            found.push(format!("broken link {link}"));
        } else if let Some(frag) = fragment.filter(|f| !f.is_empty()) {
            let html = fs::read_to_string(&target).unwrap_or_default();
            let id = percent_decode(frag);
            if !html.contains(&format!("id=\"{id}\"")) {
                found.push(format!(
                    "broken link {link}: no id {id:?} in {}",
                    target.display()
                ));
            }
        }
    }
    found
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(b) = s
                .get(i + 1..i + 3)
                .and_then(|hex| u8::from_str_radix(hex, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A slide page has a code block with code in it, Rust where its row has
/// a Rust file, and no include left unresolved.
fn check_code(rel: &str, code: &[Value], wants_rust: bool) -> Vec<String> {
    let mut found = Vec::new();
    let blocks: Vec<(&str, &str)> = code
        .iter()
        .map(|c| {
            (
                c["lang"].as_str().unwrap_or_default(),
                c["text"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    if !blocks.iter().any(|(_, t)| !t.trim().is_empty()) {
        found.push(format!("{rel}: no code block with code in it"));
    }
    if wants_rust
        && !blocks
            .iter()
            .any(|(l, t)| l.contains("language-rust") && !t.trim().is_empty())
    {
        found.push(format!("{rel}: its row has Rust, the page no Rust block"));
    }
    for (lang, text) in &blocks {
        if text.contains("{{#include") || text.contains("{{#rustdoc_include") {
            found.push(format!("{rel}: an include left as text ({lang})"));
        }
    }
    for c in code {
        let lang = c["lang"].as_str().unwrap_or_default();
        if c["wide"] == Value::Bool(true) && !lang.contains("language-text") {
            found.push(format!(
                "{rel}: a {lang} block scrolls sideways at 1280x720"
            ));
        }
    }
    found
}

/// The small report: a row for every approach in each table, nothing
/// fetched, nothing failed.
fn check_report(tab: &mut Tab, report: &Path) -> Vec<String> {
    let seen = load(tab, report);
    let mut found: Vec<String> = seen
        .problems
        .iter()
        .map(|p| format!("report: {p}"))
        .collect();
    let tables = tab
        .evaluate(
            "JSON.stringify(Array.from(document.querySelectorAll('table'))\
             .map(t => Array.from(t.querySelectorAll('tbody tr, tr'))\
             .map(r => r.cells.length ? r.cells[0].textContent.trim() : '')))",
        )
        .ok()
        .and_then(|v| v.as_str().and_then(|s| serde_json::from_str(s).ok()))
        .unwrap_or(Value::Null);
    let tables = tables.as_array().cloned().unwrap_or_default();
    if tables.is_empty() {
        found.push("report: no table".into());
    }
    for (n, table) in tables.iter().enumerate() {
        let firsts: Vec<&str> = table
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        for approach in approaches() {
            if !firsts.contains(&approach) {
                found.push(format!(
                    "report: table {} has no row for {approach} (rows: \
                     {firsts:?})",
                    n + 1
                ));
            }
        }
    }
    found
}

/// The slide page at 1280x720 is not blank: many colours, and much of
/// the screen not the background's.
fn check_screenshot(tab: &mut Tab, page: &Path) -> Vec<String> {
    let mut found = Vec::new();
    if let Err(e) = tab.navigate(&file_url(page)) {
        return vec![format!("{}: does not load: {e}", page.display())];
    }
    let png = match tab.screenshot_png() {
        Ok(png) => png,
        Err(e) => return vec![format!("no screenshot: {e}")],
    };
    let kept = Path::new(env!("CARGO_TARGET_TMPDIR")).join("book-slide.png");
    fs::write(&kept, &png).expect("the test folder is writable");
    let decoder = png::Decoder::new(std::io::Cursor::new(&png));
    let mut reader = decoder.read_info().expect("Chromium writes a PNG");
    let mut pixels = vec![0; reader.output_buffer_size().expect("a size")];
    let frame = reader.next_frame(&mut pixels).expect("one frame");
    let (w, h) = (frame.width, frame.height);
    if (w, h) != (1280, 720) {
        found.push(format!("screenshot is {w}x{h}, not 1280x720"));
    }
    let channels = frame.color_type.samples();
    let mut counts = std::collections::HashMap::<&[u8], usize>::new();
    for px in pixels[..frame.buffer_size()].chunks(channels) {
        *counts.entry(px).or_default() += 1;
    }
    let total: usize = counts.values().sum();
    let background = counts.values().copied().max().unwrap_or(0);
    let ink = 1.0 - background as f64 / total.max(1) as f64;
    if counts.len() < 32 || ink < 0.03 {
        found.push(format!(
            "the screenshot of {} looks blank: {} colours, {:.1}% of it \
             not the background (kept at {})",
            page.display(),
            counts.len(),
            ink * 100.0,
            kept.display()
        ));
    }
    eprintln!(
        "screenshot of {}: {w}x{h}, {} colours, {:.1}% not background, \
         kept at {}",
        page.display(),
        counts.len(),
        ink * 100.0,
        kept.display()
    );
    found
}
