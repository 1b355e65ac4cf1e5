//! pipeline-demo end to end: a real demo server on an ephemeral port, the
//! real binary, the books on disk byte for byte, the word counts against a
//! single-threaded count of the same texts, and the concurrency the server
//! saw.
//!
//! Run: `cargo test -p pipeline-demo`.

use std::collections::{BTreeMap, BTreeSet};

use demo_server::{DEFAULT_BOOK_SIZE, book_body};
use serde_json::Value;
use testkit::{Fixture, refused_url};

const BIN: &str = env!("CARGO_BIN_EXE_pipeline-demo");
const NAME: &str = "pipeline-demo";

/// A book on the fixture's server: its URL, and the bytes it must be
/// saved as.
struct Book {
    url: String,
    body: Vec<u8>,
}

/// `n` books `/books/book-NN.txt`, of `size` bytes (`None`: the
/// server's default size, asked without `?size=`).
fn books(fx: &Fixture, n: usize, size: Option<usize>) -> Vec<Book> {
    (0..n)
        .map(|i| {
            let name = format!("book-{i:02}.txt");
            let (query, size) = match size {
                Some(size) => (format!("?size={size}"), size),
                None => (String::new(), DEFAULT_BOOK_SIZE),
            };
            Book {
                url: fx.server.url(&format!("/books/{name}{query}")),
                body: book_body(&name, size),
            }
        })
        .collect()
}

fn urls(books: &[Book]) -> Vec<String> {
    books.iter().map(|b| b.url.clone()).collect()
}

/// Asserts that `book` was saved under its file name, byte for byte.
fn assert_book_saved(fx: &Fixture, book: &Book) {
    let path = shared::filename_for_url(&book.url, fx.out());
    let saved = std::fs::read(&path).unwrap_or_else(|e| {
        panic!("{} was not saved at {}: {e}", book.url, path.display())
    });
    assert!(saved == book.body, "{}: saved bytes differ", book.url);
}

/// What the demo printed about the words: total, texts, different words,
/// and the top list.
#[derive(Debug, PartialEq, Eq)]
struct WordSummary {
    total: u64,
    texts: usize,
    distinct: usize,
    top: Vec<(String, u64)>,
}

/// Parses the demo's word summary out of `output` (stdout, or stderr
/// with `--json`):
///
/// ```text
/// pipeline-demo: 757916 words in 12 texts, 120 different; top 10:
///     90354 the
/// ```
fn word_summary(output: &str) -> WordSummary {
    let mut lines = output.lines().skip_while(|l| !l.contains(" words in "));
    let head = lines
        .next()
        .unwrap_or_else(|| panic!("no summary: {output}"));
    let numbers: Vec<u64> = head
        .split(|c: char| !c.is_ascii_digit())
        .filter(|n| !n.is_empty())
        .map(|n| n.parse().unwrap())
        .collect();
    let top = lines
        .take_while(|l| l.starts_with(' '))
        .map(|l| {
            let (count, word) = l.trim().split_once(' ').unwrap();
            (word.to_owned(), count.parse().unwrap())
        })
        .collect();
    WordSummary {
        total: numbers[0],
        texts: numbers[1] as usize,
        distinct: numbers[2] as usize,
        top,
    }
}

/// The expected summary: every word of `texts` counted one text after
/// the other on this thread, with no code from the demo's library.
fn single_threaded_count(texts: &[&[u8]]) -> WordSummary {
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    for text in texts {
        let text = String::from_utf8_lossy(text);
        for word in text.split(|c: char| !c.is_alphanumeric()) {
            if !word.is_empty() {
                *counts.entry(word.to_lowercase()).or_default() += 1;
            }
        }
    }
    let mut top: Vec<(String, u64)> = counts.clone().into_iter().collect();
    // Most frequent first; the BTreeMap gave alphabetical order, and a
    // stable sort keeps it among equal counts.
    top.sort_by_key(|(_, count)| std::cmp::Reverse(*count));
    top.truncate(10);
    WordSummary {
        total: counts.values().sum(),
        texts: texts.len(),
        distinct: counts.len(),
        top,
    }
}

/// The `--trace` file, one JSON object per line.
fn trace_lines(path: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn saves_every_book_byte_for_byte_and_counts_its_words() {
    let fx = Fixture::with_latency(20);
    let books = books(&fx, 6, None);
    let run = fx.download(BIN, &urls(&books), &["--workers", "3"]);

    assert_eq!(run.code, Some(0), "{run:?}");
    let summary = run.stdout.lines().last().unwrap();
    let start = format!("{NAME}: 6/6 URLs, 1536.0 KiB in ");
    assert!(summary.starts_with(&start), "{run:?}");
    assert!(summary.ends_with("3 threads, 0 failed"), "{run:?}");
    for book in &books {
        assert_book_saved(&fx, book);
    }
    // Six files and nothing else: no temp file left behind.
    assert_eq!(fx.saved_files().len(), 6, "{:?}", fx.saved_files());

    let texts: Vec<&[u8]> = books.iter().map(|b| b.body.as_slice()).collect();
    let expected = single_threaded_count(&texts);
    assert_eq!(word_summary(&run.stdout), expected, "{run:?}");
    assert_eq!(expected.top[0].0, "the", "a book's commonest word");
    // The words come first, then the shared summary line, nothing else.
    assert_eq!(run.stdout.lines().count(), 1 + 10 + 1, "{run:?}");
    assert!(run.stderr.is_empty(), "{run:?}");

    let stats = fx.server.stats();
    assert_eq!(stats.requests, 6);
    assert!(stats.peak_in_flight <= 3, "{stats:?}");
    assert!(stats.connections <= 3, "{stats:?}");
}

#[test]
fn word_counts_equal_a_single_threaded_count_for_1_and_5_workers() {
    let fx = Fixture::with_latency(10);
    // Twelve books of different sizes, so they finish in a mixed order.
    let mut all: Vec<Book> = Vec::new();
    for (i, size) in [3000, 40_000, 777, 25_000].iter().enumerate() {
        let name = format!("mixed-{i}.txt");
        all.push(Book {
            url: fx.server.url(&format!("/books/{name}?size={size}")),
            body: book_body(&name, *size),
        });
    }
    all.extend(books(&fx, 8, Some(20_000)));
    let texts: Vec<&[u8]> = all.iter().map(|b| b.body.as_slice()).collect();
    let expected = single_threaded_count(&texts);
    assert_eq!(expected.texts, 12);
    assert_eq!(expected.top.len(), 10);

    let mut outputs = Vec::new();
    for workers in ["1", "5"] {
        let run = fx.download(BIN, &urls(&all), &["--workers", workers]);
        assert_eq!(run.code, Some(0), "{run:?}");
        assert_eq!(word_summary(&run.stdout), expected, "{workers}: {run:?}");
        for book in &all {
            assert_book_saved(&fx, book);
        }
        // Everything but the timing in the last line, byte for byte.
        let words: Vec<&str> = run.stdout.lines().collect();
        outputs.push(words[..words.len() - 1].join("\n"));
    }
    assert_eq!(outputs[0], outputs[1], "same words for 1 and 5 threads");
}

#[test]
fn five_workers_keep_five_requests_in_flight() {
    let fx = Fixture::with_latency(200);
    let books = books(&fx, 20, Some(8_000));
    let trace = fx.dir.path().join("trace.jsonl");
    let trace_arg = trace.display().to_string();
    let args = ["--workers", "5", "--json", "--trace", &trace_arg];
    let run = fx.download(BIN, &urls(&books), &args);

    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(run.json()["workers"], 5);
    assert_eq!(run.json()["ok"], 20);
    for book in &books {
        assert_book_saved(&fx, book);
    }
    let stats = fx.server.stats();
    assert_eq!(stats.requests, 20);
    // Exactly five at once: never more than --workers, and all five
    // download threads busy together while the counting went on.
    assert_eq!(stats.peak_in_flight, 5, "{stats:?}");
    assert_eq!(stats.connections, 5, "{stats:?}");

    // The trace rows are the five download threads, each one URL at a
    // time.
    let lines = trace_lines(&trace);
    assert_eq!(lines.len(), 20);
    let mut by_worker: BTreeMap<u64, Vec<(f64, f64)>> = BTreeMap::new();
    for line in &lines {
        let worker = line["worker"].as_u64().unwrap();
        let span = (
            line["start_ms"].as_f64().unwrap(),
            line["end_ms"].as_f64().unwrap(),
        );
        by_worker.entry(worker).or_default().push(span);
    }
    assert_eq!(
        by_worker.keys().copied().collect::<Vec<_>>(),
        [0, 1, 2, 3, 4]
    );
    for (worker, spans) in &mut by_worker {
        spans.sort_by(|a, b| a.0.total_cmp(&b.0));
        for pair in spans.windows(2) {
            assert!(pair[1].0 >= pair[0].1, "worker {worker}: {pair:?}");
        }
    }
}

#[test]
fn json_keeps_stdout_one_object_and_moves_the_words_to_stderr() {
    let fx = Fixture::with_latency(0);
    let books = books(&fx, 3, Some(5_000));
    let run = fx.download(BIN, &urls(&books), &["--json"]);

    assert_eq!(run.code, Some(0), "{run:?}");
    let json = run.json();
    assert_eq!(json["approach"], NAME);
    assert_eq!(json["workers"], 5, "five download threads by default");
    assert_eq!(json["ok"], 3);
    assert_eq!(json["bytes"], 15_000);
    let texts: Vec<&[u8]> = books.iter().map(|b| b.body.as_slice()).collect();
    let expected = single_threaded_count(&texts);
    assert_eq!(word_summary(&run.stderr), expected);

    // The same with the `download` subcommand written out.
    let args = [
        "download".into(),
        "--json".into(),
        "--urls".into(),
        fx.url_file(&urls(&books)).display().to_string(),
        "--out".into(),
        fx.out().display().to_string(),
    ];
    let run = testkit::run(BIN, &args);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(run.json()["ok"], 3);
    assert_eq!(word_summary(&run.stderr), expected);
}

#[test]
fn failures_are_named_and_only_saved_books_are_counted() {
    let fx = Fixture::with_latency(0);
    let good = books(&fx, 3, Some(10_000));
    let not_found = fx.server.url("/status/404");
    let broken = fx.server.url("/status/500");
    let refused = refused_url();
    let urls = vec![
        good[0].url.clone(),
        not_found.clone(),
        good[1].url.clone(),
        broken.clone(),
        refused.clone(),
        good[2].url.clone(),
    ];
    let run = fx.download(BIN, &urls, &[]);

    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(run.stdout.contains("3/6 URLs"), "{run:?}");
    assert!(run.stdout.trim_end().ends_with("3 failed"), "{run:?}");
    for (url, why) in [
        (&not_found, "HTTP 404"),
        (&broken, "HTTP 500"),
        (&refused, "connection refused"),
    ] {
        let line = run
            .stderr
            .lines()
            .find(|l| l.contains(url.as_str()))
            .unwrap_or_else(|| panic!("no error line for {url}: {run:?}"));
        assert!(line.contains(why), "{line}");
        fx.assert_not_saved(url);
    }
    // A refused local connection explains how to start the server, once.
    assert_eq!(run.stderr.matches("cargo run -p demo-server").count(), 1);
    for book in &good {
        assert_book_saved(&fx, book);
    }
    // The error bodies of 404 and 500 are not books: not counted.
    let texts: Vec<&[u8]> = good.iter().map(|b| b.body.as_slice()).collect();
    assert_eq!(word_summary(&run.stdout), single_threaded_count(&texts));
}

#[test]
fn server_not_running_gives_one_clear_message_and_no_words() {
    let fx = Fixture::with_latency(0);
    let dead = refused_url();
    let base = dead.trim_end_matches("/pages/nobody-home");
    let urls: Vec<String> = (0..12)
        .map(|i| format!("{base}/books/book-{i:02}.txt"))
        .collect();
    let run = fx.download(BIN, &urls, &[]);

    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(run.stdout.contains("0/12 URLs"), "{run:?}");
    assert!(
        run.stdout
            .starts_with(&format!("{NAME}: 0 words in 0 texts")),
        "{run:?}"
    );
    // One line for the cause, one for the cure; not twelve.
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{run:?}");
    assert!(lines[0].contains("all 12 URLs"), "{run:?}");
    assert!(lines[1].contains("cargo run -p demo-server"), "{run:?}");
}

#[test]
fn bad_lines_are_reported_with_their_line_number() {
    let fx = Fixture::with_latency(0);
    let good = books(&fx, 2, Some(2_000));
    let lines = vec![
        "# comment".to_string(),
        good[0].url.clone(),
        "this is not a url".to_string(),
        good[1].url.clone(),
    ];
    let run = fx.download(BIN, &lines, &[]);

    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(run.stdout.contains("2/3 URLs"), "{run:?}");
    assert!(run.stderr.contains("line 3: not a URL"), "{run:?}");
    for book in &good {
        assert_book_saved(&fx, book);
    }
    assert_eq!(word_summary(&run.stdout).texts, 2);
}

#[test]
fn missing_url_file_exits_2_naming_it() {
    let fx = Fixture::with_latency(0);
    let missing = fx.dir.path().join("no-such-books.txt");
    let run =
        testkit::run(BIN, &["--urls".into(), missing.display().to_string()]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("no-such-books.txt"), "{run:?}");
    assert!(run.stdout.is_empty(), "no word summary either: {run:?}");
}

#[test]
fn output_folder_that_is_a_file_exits_2_before_downloading() {
    let fx = Fixture::with_latency(0);
    let file = fx.dir.path().join("a-file");
    std::fs::write(&file, b"").unwrap();
    let urls = fx.url_file(&urls(&books(&fx, 2, Some(100))));
    let args = [
        "--urls".into(),
        urls.display().to_string(),
        "--out".into(),
        file.display().to_string(),
    ];
    let run = testkit::run(BIN, &args);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("a-file"), "{run:?}");
    assert_eq!(fx.server.stats().requests, 0, "nothing may be downloaded");
}

#[test]
fn hash_answers_equal_seq_demos() {
    let dir = tempfile::tempdir().unwrap();
    let trace = dir.path().join("hash.jsonl");
    let args: Vec<String> =
        "hash --tasks 4 --rounds 1000 --workers 2 --json --trace"
            .split_whitespace()
            .map(String::from)
            .chain([trace.display().to_string()])
            .collect();
    let run = testkit::run(BIN, &args);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(run.json()["workload"], "hash");
    assert_eq!(run.json()["workers"], 2);

    // The expected digests are seq-demo's: `shared::hash_me`, one at a
    // time; the threads finish in any order, so match them by task name.
    let answers: BTreeMap<String, String> = trace_lines(&trace)
        .iter()
        .map(|v| {
            let item = v["item"].as_str().unwrap().to_owned();
            (item, v["answer"].as_str().unwrap().to_owned())
        })
        .collect();
    let expected: BTreeMap<String, String> = shared::Task::hashes(4, 1000)
        .iter()
        .map(|task| {
            let shared::Task::Hash { seed, rounds } = *task else {
                unreachable!("Task::hashes makes hash tasks")
            };
            let hex = shared::hash_me(seed, rounds)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            (task.name(), hex)
        })
        .collect();
    assert_eq!(answers, expected);
    let workers: BTreeSet<u64> = trace_lines(&trace)
        .iter()
        .map(|v| v["worker"].as_u64().unwrap())
        .collect();
    assert!(workers.iter().all(|&w| w < 2), "{workers:?}");
}
