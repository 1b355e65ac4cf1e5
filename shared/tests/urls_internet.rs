//! `urls-internet.txt`, the real-internet list (docs/real-internet.md),
//! read the way every demo reads it. Offline: this checks the file, never
//! the sites. Run with `cargo test -p shared --test urls_internet`.

use std::collections::HashSet;
use std::path::Path;

/// The list at the workspace root, beside `urls.txt`.
fn list() -> shared::UrlList {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("urls-internet.txt");
    shared::urls(&path).expect("urls-internet.txt sits at the workspace root")
}

#[test]
fn every_line_is_a_url_of_the_real_internet() {
    let list = list();
    assert!(list.bad_lines.is_empty(), "{:?}", list.bad_lines);
    assert!(list.urls.len() >= 5, "{:?}", list.urls);
    for url in &list.urls {
        let parsed = url::Url::parse(url).unwrap();
        let host = parsed.host_str().unwrap();
        // The demo server's list is urls.txt; this one must leave the
        // machine, or it teaches nothing about real latency.
        assert!(
            !matches!(host, "127.0.0.1" | "localhost" | "[::1]"),
            "{url}"
        );
    }
}

#[test]
fn it_has_the_talks_examples_https_and_one_sure_failure() {
    let urls = list().urls;
    for talk_url in [
        "https://www.jython.org",
        "http://olympus.realpython.org/dice",
        "https://www.gutenberg.org/files/84/84-0.txt",
        "http://www.bbc.co.uk/",
    ] {
        assert!(urls.iter().any(|u| u == talk_url), "{talk_url} missing");
    }
    assert!(urls.iter().any(|u| u.starts_with("https://")));
    // A .invalid name never resolves (RFC 6761): the one failure is the
    // same on every network.
    let failing: Vec<_> =
        urls.iter().filter(|u| u.contains(".invalid/")).collect();
    assert_eq!(failing.len(), 1, "{urls:?}");
}

#[test]
fn every_url_gets_its_own_file() {
    let urls = list().urls;
    let out = Path::new("downloads");
    let names: HashSet<_> = urls
        .iter()
        .map(|url| shared::filename_for_url(url, out))
        .collect();
    assert_eq!(names.len(), urls.len(), "{names:?}");
}
