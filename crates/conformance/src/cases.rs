//! THE table: every bad input and fault the demos are held to, and what
//! each of them must do. Part of the conformance suite
//! (`cargo test -p conformance`); the README's "Failure handling" table is
//! rendered from the `name`, `does` and `differs` columns here.
//!
//! To add a case, add a `Case` below: a name, one sentence for the README,
//! the server's settings, and a plan (the URL list, flags, output folder,
//! and the expected exit code, summary, files and error lines). Error lines
//! are built from `shared::Error`, so the wording is the shared crate's,
//! never a copy.

use std::collections::HashSet;
use std::fs;
use std::time::Duration;

use demo_server::{Config, DEFAULT_PAGE_SIZE, bytes_body, page_body};
use shared::Error;

use crate::runner::file_name;
use crate::{
    Case, Env, Expect, Interrupt, Line, Outcome, Saved, Summary, UrlFile,
};

fn instant() -> Config {
    Config::instant()
}

/// `--fail-rate 0.3`.
fn failing() -> Config {
    Config {
        fail_rate: 0.3,
        ..Config::instant()
    }
}

/// One second per answer: slow enough to interrupt mid-run.
fn one_second() -> Config {
    Config {
        latency: Duration::from_secs(1),
        ..Config::instant()
    }
}

/// Pages `<prefix>00`, `<prefix>01`, ... of `size` bytes, with their
/// bodies.
fn pages(env: &Env, prefix: &str, n: usize) -> Vec<(String, Vec<u8>)> {
    (0..n)
        .map(|i| env.page(&format!("{prefix}{i:02}")))
        .collect()
}

/// The URLs of `(url, body)` pairs.
fn urls(pairs: &[(String, Vec<u8>)]) -> Vec<String> {
    pairs.iter().map(|(url, _)| url.clone()).collect()
}

/// A loopback URL where nothing listens, and its port: bound for the
/// whole test process, never listening (`testkit::refused_port`), so no
/// other test's server can be handed the same port.
fn refused_url() -> (String, u16) {
    let port = testkit::refused_port();
    (format!("http://127.0.0.1:{port}/pages/nobody-home"), port)
}

/// The report's line for a bad line of the URL file.
fn bad_line(env: &Env, line: usize, text: &str, reason: &str) -> Line {
    let error = Error::BadLine {
        line,
        text: text.to_owned(),
        reason: reason.to_owned(),
    };
    Line::error(&env.url_file().display().to_string(), &error)
}

// ANCHOR: finished
/// A run that finishes with `ok` done and the `failures` named, `saved`
/// on disk.
fn finished(
    saved: Vec<(String, Vec<u8>)>,
    failures: Vec<Line>,
    code: i32,
) -> Expect {
    let failed = failures.len();
    Expect {
        code,
        summary: Summary::counts(saved.len(), failed),
        saved: Saved::Exactly(saved),
        stderr: failures,
        ..Expect::default()
    }
}
// ANCHOR_END: finished

/// Exit 2 with this one error line, no summary, nothing downloaded.
fn usage_error(line: String) -> Expect {
    Expect {
        code: 2,
        summary: Summary::None,
        saved: Saved::NoFolder,
        stderr: vec![Line::Exact(line)],
        requests: Some(0),
        ..Expect::default()
    }
}

/// Every case, in the order of the tables.
pub fn cases() -> Vec<Case> {
    vec![
        // ------------------------------------------------ the network
        Case {
            name: "404, 500, 503 among good URLs",
            does: "exit 1; `HTTP 404` (500, 503) named per URL; the good \
                   ones saved",
            differs: &[],
            server: instant,
            alone: false,
            plan: |env| {
                let good = pages(env, "good-", 3);
                let bad: Vec<(String, u16)> = [404, 500, 503]
                    .map(|code| (env.url(&format!("/status/{code}")), code))
                    .to_vec();
                let mut list = urls(&good);
                for (i, (url, _)) in bad.iter().enumerate() {
                    list.insert(2 * i + 1, url.clone());
                }
                let failures = bad
                    .iter()
                    .map(|(url, code)| {
                        Line::error(url, &Error::Status { code: *code })
                    })
                    .collect();
                let mut plan = env.lines(list);
                plan.expect = finished(good, failures, 1);
                plan
            },
        },
        Case {
            name: "a refused port",
            does: "exit 1; `connection refused by 127.0.0.1:PORT` and one \
                   hint on starting the demo server",
            differs: &[],
            server: instant,
            alone: false,
            plan: |env| {
                let good = pages(env, "good-", 2);
                let (refused, port) = refused_url();
                let mut list = urls(&good);
                list.insert(1, refused.clone());
                let hint = format!(
                    "hint: is the demo server running? Start it in another \
                     terminal: cargo run -p demo-server -- --port {port}"
                );
                let failures = vec![
                    Line::error(&refused, &Error::refused(&refused)),
                    Line::Exact(hint),
                ];
                let mut plan = env.lines(list);
                plan.expect = finished(good, failures, 1);
                plan.expect.summary = Summary::counts(2, 1);
                plan
            },
        },
        // ANCHOR: made_up_domain
        Case {
            name: "a made-up domain (`.invalid`)",
            does: "exit 1; `cannot resolve host \"no-such-host.invalid\"`",
            differs: &[],
            server: instant,
            alone: false,
            plan: |env| {
                let good = pages(env, "good-", 2);
                let made_up = "http://no-such-host.invalid/page".to_owned();
                let mut list = urls(&good);
                list.insert(1, made_up.clone());
                let mut plan = env.lines(list);
                let failures =
                    vec![Line::error(&made_up, &Error::dns(&made_up))];
                plan.expect = finished(good, failures, 1);
                plan
            },
        },
        // ANCHOR_END: made_up_domain
        Case {
            name: "a redirect (3 hops)",
            does: "followed; the final page saved under the original URL's \
                   name; exit 0",
            differs: &[],
            server: instant,
            alone: false,
            plan: |env| {
                let mut saved = pages(env, "good-", 1);
                let redirect = env.url("/redirect/3");
                saved.push((
                    redirect,
                    page_body("redirected", DEFAULT_PAGE_SIZE),
                ));
                let mut plan = env.lines(urls(&saved));
                plan.expect = finished(saved, vec![], 0);
                plan
            },
        },
        Case {
            name: "a redirect loop",
            does: "exit 1; `too many redirects`; no file",
            differs: &[],
            server: instant,
            alone: false,
            plan: |env| {
                let good = pages(env, "good-", 2);
                let looping = env.url("/redirect-loop");
                let mut list = urls(&good);
                list.insert(1, looping.clone());
                let mut plan = env.lines(list);
                let failures =
                    vec![Line::error(&looping, &Error::TooManyRedirects)];
                plan.expect = finished(good, failures, 1);
                plan
            },
        },
        Case {
            name: "a body cut short (server closes mid-body)",
            does: "exit 1; `body cut short: the connection closed \
                   mid-body`; no file, no temp file",
            differs: &[],
            server: instant,
            alone: false,
            plan: |env| {
                let good = pages(env, "good-", 2);
                let cut = env.url("/truncated/100000");
                let mut list = urls(&good);
                list.insert(1, cut.clone());
                let mut plan = env.lines(list);
                let failures = vec![Line::error(&cut, &Error::CutShort)];
                plan.expect = finished(good, failures, 1);
                plan
            },
        },
        Case {
            name: "a connection reset mid-body (TCP RST)",
            does: "the same line as a body cut short; no file",
            differs: &[],
            server: instant,
            alone: false,
            plan: |env| {
                let good = pages(env, "good-", 2);
                let reset = env.reset_url("half");
                let mut list = urls(&good);
                list.insert(1, reset.clone());
                let mut plan = env.lines(list);
                let failures = vec![Line::error(&reset, &Error::CutShort)];
                plan.expect = finished(good, failures, 1);
                plan
            },
        },
        Case {
            name: "a response slower than `--timeout 1`",
            does: "exit 1; `timed out after 1 s`; no file; the rest saved",
            differs: &[],
            server: instant,
            alone: false,
            plan: |env| {
                let good = pages(env, "good-", 2);
                let slow = env.url("/delay/5000");
                let mut list = urls(&good);
                list.insert(1, slow.clone());
                let mut plan = env.lines(list);
                plan.args = vec!["--timeout".into(), "1".into()];
                let failures =
                    vec![Line::error(&slow, &Error::Timeout { secs: 1.0 })];
                plan.expect = finished(good, failures, 1);
                plan
            },
        },
        Case {
            name: "`--fail-rate 0.3` on the server (60 pages)",
            does: "exit 1; one `HTTP 500` line per 500 the server counted \
                   (`failures_injected`); every other page saved",
            differs: &[],
            server: failing,
            alone: false,
            plan: |env| {
                let all = pages(env, "p", 60);
                let mut plan = env.lines(urls(&all));
                let (package, out) = (env.package.clone(), env.out());
                plan.expect = Expect {
                    code: 1,
                    summary: Summary::Any,
                    saved: Saved::Custom,
                    stderr: vec![Line::Each("error: ".into())],
                    check: Some(Box::new(move |o: &Outcome| {
                        fail_rate_check(&package, &out, &all, o)
                    })),
                    ..Expect::default()
                };
                plan
            },
        },
        Case {
            name: "a body over `--max-bytes 1000`",
            does: "exit 1; `body larger than --max-bytes (1000 bytes)`; \
                   exactly 1000 bytes is fine",
            differs: &[],
            server: instant,
            alone: false,
            plan: |env| {
                let fits = env.url("/bytes/1000");
                let over = env.url("/bytes/1001");
                let page = env.url("/pages/twenty-kib");
                let mut plan =
                    env.lines(vec![fits.clone(), over.clone(), page.clone()]);
                plan.args = vec!["--max-bytes".into(), "1000".into()];
                let too_large = Error::TooLarge { limit: 1000 };
                let failures = vec![
                    Line::error(&over, &too_large),
                    Line::error(&page, &too_large),
                ];
                plan.expect =
                    finished(vec![(fits, bytes_body(1000))], failures, 1);
                plan
            },
        },
        Case {
            name: "a 65 MiB body, default `--max-bytes` (64M)",
            does: "exit 1; `body larger than --max-bytes (67108864 bytes)`; \
                   nothing saved for it",
            differs: &[],
            server: instant,
            alone: false,
            plan: |env| {
                let good = pages(env, "good-", 1);
                let huge = env.url(&format!("/bytes/{}", 65 << 20));
                let mut list = urls(&good);
                list.push(huge.clone());
                let mut plan = env.lines(list);
                let failures = vec![Line::error(
                    &huge,
                    &Error::TooLarge { limit: 64 << 20 },
                )];
                plan.expect = finished(good, failures, 1);
                plan
            },
        },
        // ------------------------------------------------ the URL file
        Case {
            name: "URL file missing",
            does: "exit 2; `cannot read URL file FILE: No such file or \
                   directory`; nothing downloaded",
            differs: &[],
            server: instant,
            alone: false,
            plan: |env| {
                let mut plan = env.lines(vec![]);
                plan.urls = UrlFile::Missing;
                plan.expect = usage_error(format!(
                    "error: cannot read URL file {}: No such file or \
                     directory (os error 2) (run from the workspace root, or \
                     pass --urls FILE)",
                    env.url_file().display()
                ));
                plan
            },
        },
        Case {
            name: "URL file empty",
            does: "exit 0; `0/0 URLs`; a warning that it lists no URLs",
            differs: &[],
            server: instant,
            alone: false,
            plan: |env| {
                let mut plan = env.lines(vec![]);
                plan.urls = UrlFile::Bytes(Vec::new());
                plan.expect = no_urls(env);
                plan
            },
        },
        Case {
            name: "URL file with only comments and blank lines",
            does: "the same as an empty file",
            differs: &[],
            server: instant,
            alone: false,
            plan: |env| {
                let mut plan = env.lines(
                    [
                        "# the talk's list",
                        "",
                        "   # indented",
                        "#http://127.0.0.1:9/commented-out",
                        "\t",
                    ]
                    .map(String::from)
                    .to_vec(),
                );
                plan.expect = no_urls(env);
                plan
            },
        },
        Case {
            name: "lines that are not URLs",
            does: "exit 1; each reported with its line number and text; \
                   the URLs around them saved",
            differs: &[],
            server: instant,
            alone: false,
            plan: |env| {
                let good = pages(env, "good-", 2);
                let mut plan = env.lines(vec![
                    good[0].0.clone(),
                    "this is not a url".into(),
                    "http://".into(),
                    "www.example.com/no-scheme".into(),
                    good[1].0.clone(),
                ]);
                let relative = "not a URL (relative URL without a base)";
                let failures = vec![
                    bad_line(env, 2, "this is not a url", relative),
                    bad_line(env, 3, "http://", "not a URL (empty host)"),
                    bad_line(env, 4, "www.example.com/no-scheme", relative),
                ];
                plan.expect = finished(good, failures, 1);
                plan
            },
        },
        Case {
            name: "`ftp://`, `file://` and other schemes",
            does: "exit 1; `line N: unsupported scheme \"ftp\"`; `HTTP://` \
                   in capitals is fine",
            differs: &[],
            server: instant,
            alone: false,
            plan: |env| {
                let mut good = pages(env, "good-", 1);
                let upper = env.url("/pages/upper").replace("http:", "HTTP:");
                good.push((upper, page_body("upper", DEFAULT_PAGE_SIZE)));
                let others = [
                    ("ftp://files.test/a.txt", "ftp"),
                    ("file:///etc/passwd", "file"),
                    ("mailto:someone@example.com", "mailto"),
                    ("javascript:alert(1)", "javascript"),
                    ("data:text/plain,hi", "data"),
                    ("ws://127.0.0.1:9/socket", "ws"),
                ];
                let mut list = urls(&good);
                let mut failures = Vec::new();
                for (text, scheme) in others {
                    list.push(text.to_owned());
                    let reason = format!("unsupported scheme {scheme:?}");
                    failures.push(bad_line(env, list.len(), text, &reason));
                }
                let mut plan = env.lines(list);
                plan.expect = finished(good, failures, 1);
                plan
            },
        },
        Case {
            name: "the same URL three times",
            does: "each line downloaded; one file, whole: every write \
                   goes to its own temp file, renamed into place",
            differs: &[],
            server: instant,
            alone: false,
            plan: |env| {
                let good = pages(env, "good-", 2);
                let a = good[0].0.clone();
                let mut plan =
                    env.lines(vec![a.clone(), good[1].0.clone(), a.clone(), a]);
                plan.expect = finished(good, vec![], 0);
                plan.expect.summary = Summary::counts(4, 0);
                plan
            },
        },
        Case {
            name: "non-UTF-8 bytes in the URL file",
            does: "exit 1; `line N: not valid UTF-8`; the other lines used",
            differs: &[],
            server: instant,
            alone: false,
            plan: |env| {
                let good = pages(env, "good-", 2);
                let mut bytes = Vec::new();
                bytes.extend_from_slice(good[0].0.as_bytes());
                bytes.extend_from_slice(b"\n\xff\xfe\n");
                let latin1 = format!("{}/pages/caf", env.base);
                bytes.extend_from_slice(latin1.as_bytes());
                bytes.extend_from_slice(b"\xe9\n");
                bytes.extend_from_slice(good[1].0.as_bytes());
                bytes.push(b'\n');
                let utf8 = "not valid UTF-8";
                let failures = vec![
                    bad_line(env, 2, "\u{fffd}\u{fffd}", utf8),
                    bad_line(env, 3, &format!("{latin1}\u{fffd}"), utf8),
                ];
                let mut plan = env.lines(vec![]);
                plan.urls = UrlFile::Bytes(bytes);
                plan.expect = finished(good, failures, 1);
                plan
            },
        },
        Case {
            name: "a byte-order mark and CRLF line ends",
            does: "ignored: every URL saved, exit 0",
            differs: &[],
            server: instant,
            alone: false,
            plan: |env| {
                let good = pages(env, "good-", 3);
                let text = format!(
                    "\u{feff}{}\r\n{}\r\n\r\n# a comment\r\n{}",
                    good[0].0, good[1].0, good[2].0
                );
                let mut plan = env.lines(vec![]);
                plan.urls = UrlFile::Bytes(text.into_bytes());
                plan.expect = finished(good, vec![], 0);
                plan
            },
        },
        Case {
            name: "a 10,000-line URL file",
            does: "all 10,000 saved, byte for byte, exit 0",
            differs: &[],
            server: instant,
            alone: true,
            plan: |env| {
                let all: Vec<(String, Vec<u8>)> = (0..10_000)
                    .map(|i| {
                        let name = format!("n{i:05}");
                        let url = env.url(&format!("/pages/{name}?size=64"));
                        (url, page_body(&name, 64))
                    })
                    .collect();
                let mut plan = env.lines(urls(&all));
                plan.expect = finished(all, vec![], 0);
                plan
            },
        },
        // ------------------------------------------------ file names
        Case {
            name: "two URLs that read as the same file name",
            does: "two files (a hash of the whole URL in each name); \
                   neither overwrites the other",
            differs: &[],
            server: instant,
            alone: false,
            plan: |env| {
                let saved = vec![
                    (env.url("/pages/x?size=100"), page_body("x", 100)),
                    (
                        env.url("/pages/x_size_100"),
                        page_body("x_size_100", DEFAULT_PAGE_SIZE),
                    ),
                    (
                        env.url("/pages/a%2Fb"),
                        page_body("a/b", DEFAULT_PAGE_SIZE),
                    ),
                    (
                        env.url("/pages/a_b"),
                        page_body("a_b", DEFAULT_PAGE_SIZE),
                    ),
                ];
                let mut plan = env.lines(urls(&saved));
                plan.expect = finished(saved, vec![], 0);
                plan
            },
        },
        Case {
            name: "`..` and percent-encoded traversal in the path",
            does: "saved inside `--out` like any page; nothing written \
                   outside it",
            differs: &[],
            server: instant,
            alone: false,
            plan: |env| {
                let page = |path: &str, name: &str| {
                    (env.url(path), page_body(name, DEFAULT_PAGE_SIZE))
                };
                let saved = vec![
                    page("/pages/..%2F..%2Fescape", "../../escape"),
                    page(
                        "/pages/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
                        "../../etc/passwd",
                    ),
                    page("/pages/..%5C..%5Cwin", "..\\..\\win"),
                    page("/pages/.hidden", ".hidden"),
                ];
                let mut plan = env.lines(urls(&saved));
                plan.expect = finished(saved, vec![], 0);
                plan
            },
        },
        Case {
            name: "`/a/b/../../pages/up` (dot segments)",
            does: "every client asks for `/pages/up` (URL rules resolve the \
                   `..`); saved under the name of the line as written",
            differs: &[],
            server: instant,
            alone: false,
            plan: |env| {
                let dotted = env.url("/a/b/../../pages/up");
                let mut plan = env.lines(vec![dotted.clone()]);
                let saved = vec![(dotted, page_body("up", DEFAULT_PAGE_SIZE))];
                plan.expect = finished(saved, vec![], 0);
                plan
            },
        },
        Case {
            name: "a 5,000-character URL",
            does: "saved under a short name (at most 120 bytes) inside \
                   `--out`",
            differs: &[],
            server: instant,
            alone: false,
            plan: |env| {
                let long_name = "n".repeat(4_990);
                let saved = vec![
                    (
                        env.url(&format!("/pages/{long_name}")),
                        page_body(&long_name, DEFAULT_PAGE_SIZE),
                    ),
                    (
                        env.url(&format!(
                            "/pages/q?size=100&pad={}",
                            "z".repeat(5_000)
                        )),
                        page_body("q", 100),
                    ),
                ];
                let mut plan = env.lines(urls(&saved));
                let out = env.out();
                let names: Vec<String> =
                    saved.iter().map(|(url, _)| file_name(url, &out)).collect();
                plan.expect = finished(saved, vec![], 0);
                plan.expect.check = Some(Box::new(move |_: &Outcome| {
                    names
                        .iter()
                        .filter(|name| name.len() > 120)
                        .map(|name| format!("name of {} bytes", name.len()))
                        .collect()
                }));
                plan
            },
        },
        // ------------------------------------------------ the output folder
        Case {
            name: "output folder missing (nested)",
            does: "created, with its parents; files saved",
            differs: &[],
            server: instant,
            alone: false,
            plan: |env| {
                let good = pages(env, "good-", 2);
                let mut plan = env.lines(urls(&good));
                plan.out = env.dir.join("a").join("b").join("c");
                plan.expect = finished(good, vec![], 0);
                plan
            },
        },
        Case {
            name: "output folder not writable",
            does: "exit 2 before any download: `cannot write to output \
                   folder DIR: Permission denied`",
            differs: &[],
            server: instant,
            alone: false,
            plan: |env| {
                let locked = env.dir.join("locked");
                fs::create_dir(&locked).expect("can create a folder");
                set_mode(&locked, 0o555);
                let mut plan = env.lines(urls(&pages(env, "good-", 2)));
                plan.out = locked.clone();
                plan.as_nobody = true;
                plan.expect = usage_error(format!(
                    "error: cannot write to output folder {}: Permission \
                     denied (os error 13)",
                    locked.display()
                ));
                plan.expect.saved = Saved::Exactly(vec![]);
                plan
            },
        },
        Case {
            name: "output folder is a file",
            does: "exit 2 before any download: `cannot write to output \
                   folder FILE: File exists`; the file untouched",
            differs: &[],
            server: instant,
            alone: false,
            plan: |env| {
                let file = env.dir.join("a-file");
                fs::write(&file, b"keep me").expect("can write a file");
                let mut plan = env.lines(urls(&pages(env, "good-", 2)));
                plan.out = file.clone();
                plan.expect = usage_error(format!(
                    "error: cannot write to output folder {}: File exists \
                     (os error 17)",
                    file.display()
                ));
                plan.expect.check =
                    Some(Box::new(move |_: &Outcome| match fs::read(&file) {
                        Ok(bytes) if bytes == b"keep me" => vec![],
                        _ => vec!["the file given as --out changed".into()],
                    }));
                plan
            },
        },
        // ------------------------------------------------ Ctrl-C
        Case {
            name: "SIGINT mid-run (1 s latency)",
            does: "exit 130 at once; the summary of what finished, `1 \
                   unfinished (interrupted)`; finished files whole, no temp \
                   file, no child process left",
            differs: &[(
                "multiprocess",
                "also prints `interrupted: stopped N worker processes`: it \
                 kills and reaps its workers before the report",
            )],
            server: one_second,
            alone: false,
            plan: |env| {
                let good = pages(env, "good-", 2);
                // No latency on /delay/: a minute-long request in flight.
                let stuck = env.url("/delay/60000");
                let mut list = urls(&good);
                list.push(stuck);
                let mut plan = env.lines(list);
                let out = env.out();
                plan.interrupt = Some(Interrupt {
                    after_files: good
                        .iter()
                        .map(|(url, _)| crate::saved_as(url, &out))
                        .collect(),
                    requests: 3,
                });
                let mut stderr = Vec::new();
                if env.package == "multiprocess-demo" {
                    stderr.push(Line::Prefix("interrupted: stopped ".into()));
                }
                plan.expect = Expect {
                    code: cli_report::INTERRUPTED,
                    summary: Summary::Counts {
                        ok: 2,
                        failed: 0,
                        unfinished: Some(1),
                    },
                    saved: Saved::Exactly(good),
                    stderr,
                    ..Expect::default()
                };
                plan
            },
        },
    ]
}

/// An empty list: nothing to do, said once.
fn no_urls(env: &Env) -> Expect {
    Expect {
        code: 0,
        summary: Summary::counts(0, 0),
        saved: Saved::Exactly(vec![]),
        stderr: vec![Line::Exact(format!(
            "warning: {} lists no URLs (only blank lines and # comments)",
            env.url_file().display()
        ))],
        requests: Some(0),
        ..Expect::default()
    }
}

/// `--fail-rate`: which pages fail is the server's dice, so the check
/// reads them from the error lines and holds them against the server's
/// own count.
fn fail_rate_check(
    package: &str,
    out: &std::path::Path,
    all: &[(String, Vec<u8>)],
    outcome: &Outcome,
) -> Vec<String> {
    let mut diffs = Vec::new();
    let injected = outcome.stats.failures_injected as usize;
    let errors = outcome.errors(package);
    let failed: HashSet<&str> = errors
        .iter()
        .filter_map(|line| line.strip_suffix(": HTTP 500"))
        .collect();
    if failed.len() != errors.len() {
        diffs.push(format!("error lines other than HTTP 500: {errors:?}"));
    }
    if failed.len() != injected {
        diffs.push(format!(
            "{} failures reported, {injected} injected by the server",
            failed.len()
        ));
    }
    match outcome.summary(package) {
        Some(c) if c.failed == injected && c.ok == all.len() - injected => {}
        other => diffs.push(format!(
            "summary {other:?}, want {} ok, {injected} failed",
            all.len() - injected
        )),
    }
    let files = outcome.files.clone().unwrap_or_default();
    for (url, body) in all {
        let saved = files.get(&file_name(url, out));
        match (failed.contains(url.as_str()), saved) {
            (true, Some(_)) => diffs.push(format!("failed but saved: {url}")),
            (false, None) => diffs.push(format!("not saved: {url}")),
            (false, Some(got)) if got != body => {
                diffs.push(format!("bytes differ: {url}"));
            }
            _ => {}
        }
    }
    if files.len() != all.len() - failed.len() {
        diffs.push(format!("{} files in --out", files.len()));
    }
    diffs
}

/// `chmod` (unix; elsewhere "not writable" is not tested this way).
fn set_mode(path: &std::path::Path, mode: u32) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(mode))
            .expect("can change a folder's permissions");
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
}
