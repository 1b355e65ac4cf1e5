//! pipeline-demo end to end: a real demo server on an ephemeral port, the
//! real binary, the books on disk byte for byte, the word counts against a
//! single-threaded count of the same texts, and the concurrency the server
//! saw. The cases every demo shares are in `testkit::cases`; here they run
//! on books, and the words are checked too.
//!
//! Run: `cargo test -p pipeline-demo`.

use std::collections::BTreeMap;

use demo_server::{DEFAULT_BOOK_SIZE, book_body};
use testkit::cases::{self, FailureMix};
use testkit::{Fixture, trace};

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
    fx.assert_saved_as(&book.url, &book.body);
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
    // Exactly five at once, all five download threads busy together while
    // the counting went on; the trace rows are those five threads, each
    // one URL at a time.
    let fx = Fixture::with_latency(200);
    let books = books(&fx, 20, Some(8_000));
    let (run, stats) =
        cases::requests_in_flight_for(&fx, BIN, &urls(&books), 5, &["--json"]);
    assert_eq!(run.json()["workers"], 5);
    assert_eq!(run.json()["ok"], 20);
    for book in &books {
        assert_book_saved(&fx, book);
    }
    assert_eq!(stats.connections, 5, "{stats:?}");
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
    let mix = FailureMix::new(&fx, &urls(&good), &[]);
    let run = fx.download(BIN, &mix.urls, &[]);

    mix.assert_reported(&fx, &run);
    for book in &good {
        assert_book_saved(&fx, book);
    }
    // The error bodies of 404 and 500 are not books: not counted.
    let texts: Vec<&[u8]> = good.iter().map(|b| b.body.as_slice()).collect();
    assert_eq!(word_summary(&run.stdout), single_threaded_count(&texts));
}

#[test]
fn server_not_running_gives_one_clear_message_and_no_words() {
    let paths: Vec<String> =
        (0..12).map(|i| format!("/books/book-{i:02}.txt")).collect();
    let run = cases::server_not_running(BIN, &[], &paths);
    let start = format!("{NAME}: 0 words in 0 texts");
    assert!(run.stdout.starts_with(&start), "{run:?}");
}

#[test]
fn bad_lines_are_reported_with_their_line_number() {
    let fx = Fixture::with_latency(0);
    let good = books(&fx, 2, Some(2_000));
    let run = cases::bad_lines_are_reported(&fx, BIN, &urls(&good));
    for book in &good {
        assert_book_saved(&fx, book);
    }
    assert_eq!(word_summary(&run.stdout).texts, 2);
}

#[test]
fn missing_url_file_exits_2_naming_it() {
    // No word summary either: stdout stays empty.
    cases::missing_url_file_exits_2_naming_it(BIN);
}

#[test]
fn output_folder_that_is_a_file_exits_2_before_downloading() {
    cases::output_folder_that_is_a_file_exits_2_before_downloading(BIN);
}

#[test]
fn hash_answers_equal_seq_demos() {
    let args = ["--workers", "2", "--json"];
    let (run, rows) = cases::hash_answers(BIN, 4, 1000, &args);
    assert_eq!(run.json()["workers"], 2);
    trace::assert_lanes(&rows, 2);
}
