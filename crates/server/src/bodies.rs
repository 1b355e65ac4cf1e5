//! Deterministic response bodies for `/pages/{name}`, `/books/{name}` and
//! `/bytes/{n}`.
//!
//! Part of `demo-server` (run it with `cargo run -p demo-server`). A body is
//! a pure function of the request, so a demo or a test can check what it
//! downloaded byte for byte: `/pages/x` sends exactly `page_body("x", 20480)`.
//! Pages and bytes are built with a few `memcpy`s, not a formatting loop,
//! because `/pages/` is hit at more than 20,000 requests per second; books
//! are generated word by word, since they exist to be read as text (talk
//! 03's pipeline counts their words), and kept in a [`BookCache`].

use std::collections::HashMap;

use axum::body::Bytes;

/// Size of a `/pages/{name}` body when the request gives no `?size=`.
///
/// 20 KiB: about a small HTML page, big enough that the transfer is not free
/// and small enough that thousands of downloads fit in memory.
pub const DEFAULT_PAGE_SIZE: usize = 20 * 1024;

/// Size of a `/books/{name}` body when the request gives no `?size=`.
///
/// 256 KiB, about 63,000 (short) words: a short novel, the size of the
/// Project Gutenberg texts that talk 03 downloads.
pub const DEFAULT_BOOK_SIZE: usize = 256 * 1024;

/// Largest body `/pages/`, `/books/` (`?size=`) and `/bytes/` agree to
/// build: 100 MiB.
///
/// Bodies are built in memory, so a typo such as `?size=1000000000000` is
/// answered `400 Bad Request` instead of exhausting the machine.
pub const MAX_BODY_SIZE: usize = 100 * 1024 * 1024;

/// Filler text after each line's hash: 16 hex digits, a space, these 46
/// bytes and `\n` make a 64-byte line.
const FILLER: &str = "lorem ipsum dolor sit amet, consectetuer elit.";
const _: () = assert!(FILLER.len() == 46, "filler lines are 64 bytes");

/// The body `/pages/{name}?size={size}` answers: exactly `size` bytes.
///
/// `name` is the percent-decoded path segment (`/pages/a%20b` is `"a b"`).
/// The body is plain text shaped like a small page: a first line naming the
/// page, then 64-byte filler lines that start with a hash of the name, so two
/// names differ all the way through (a mixed-up download shows anywhere in
/// the file, not only in its first line). It is cut to `size` bytes, which
/// may cut the first line when `size` is small.
pub fn page_body(name: &str, size: usize) -> Vec<u8> {
    let header = format!("page {}\n", printable(name));
    let line = format!("{:016x} {FILLER}\n", fnv1a(name.as_bytes()));

    let mut body = Vec::with_capacity(size.max(header.len()));
    body.extend_from_slice(header.as_bytes());
    while body.len() < size {
        body.extend_from_slice(line.as_bytes());
    }
    body.truncate(size);
    body
}

/// The words books are made of, most frequent first: common English words,
/// so a word count of a book looks like a word count of a real one.
const VOCABULARY: [&str; 100] = [
    "the", "of", "and", "to", "a", "in", "that", "he", "was", "it", "his",
    "her", "with", "as", "had", "for", "she", "you", "not", "on", "at", "but",
    "be", "him", "is", "my", "by", "they", "said", "all", "so", "which",
    "from", "have", "this", "were", "me", "one", "we", "there", "no", "would",
    "them", "been", "an", "when", "or", "what", "their", "if", "who", "could",
    "into", "more", "out", "up", "then", "now", "some", "little", "man",
    "time", "will", "very", "upon", "do", "like", "about", "only", "over",
    "your", "did", "before", "old", "great", "its", "know", "see", "any",
    "well", "down", "such", "again", "eyes", "long", "house", "night", "door",
    "hand", "day", "heart", "father", "sea", "letter", "friend", "room",
    "face", "light", "mother", "water",
];

/// Lines of a book are at most this many bytes, like a plain-text e-book.
const BOOK_LINE: usize = 72;

/// The body `/books/{name}?size={size}` answers: exactly `size` bytes of
/// word-like text.
///
/// A first line `book {name}`, a blank line, then sentences of 4 to 17
/// words from a fixed vocabulary of 100 common English words, with commas,
/// full stops, capitalised sentence starts, lines of at most 72 bytes and
/// a blank line between paragraphs. The words are drawn at random with
/// Zipf-like odds ("the" about one word in 8, "water" one in 420),
/// so a word count of a book looks like one of a real book, from a random
/// generator seeded with a hash of the name: the same name gives the same
/// bytes forever, different names differ throughout. The text is ASCII and
/// cut to `size` bytes, which may cut the first line when `size` is small,
/// or the last word in two.
///
/// `name` is the percent-decoded path segment, as for [`page_body`].
pub fn book_body(name: &str, size: usize) -> Vec<u8> {
    let header = format!("book {}\n\n", printable(name));
    let mut body = Vec::with_capacity(size.max(header.len()) + BOOK_LINE);
    body.extend_from_slice(header.as_bytes());

    let odds = zipf_odds();
    let total = odds[odds.len() - 1];
    let mut random = SplitMix64(fnv1a(name.as_bytes()));
    let mut line = 0; // bytes on the current line
    let mut words_left = 0; // words left in the current sentence
    while body.len() < size {
        let start_of_sentence = words_left == 0;
        if start_of_sentence {
            words_left = 4 + random.below(14);
        }
        // The first word whose cumulative odds exceed a uniform draw.
        let draw = random.below(total);
        let word = VOCABULARY[odds.partition_point(|&odd| odd <= draw)];
        words_left -= 1;

        // Wrap before the line gets too long (the word, a space, and a
        // comma or full stop after it).
        if line > 0 && line + 1 + word.len() + 1 > BOOK_LINE {
            body.push(b'\n');
            line = 0;
        } else if line > 0 {
            body.push(b' ');
            line += 1;
        }
        let first = body.len();
        body.extend_from_slice(word.as_bytes());
        if start_of_sentence {
            body[first].make_ascii_uppercase();
        }
        line += word.len();

        if words_left == 0 {
            body.push(b'.');
            line += 1;
            // About one sentence in five ends a paragraph.
            if random.below(5) == 0 {
                body.extend_from_slice(b"\n\n");
                line = 0;
            }
        } else if random.below(8) == 0 {
            body.push(b',');
            line += 1;
        }
    }
    body.truncate(size);
    body
}

/// Books already generated, so a demo that asks for the same books run
/// after run is not timing the server's generator.
///
/// A book is generated word by word, about 2 ms for the default size and
/// 30 ms for 4 MiB on this machine: CPU that a demo counting words on the
/// same two cores would feel. A real server sends books from its page
/// cache; this one keeps up to [`BookCache::LIMIT`] bytes of them, and
/// starts over when a new book would not fit (a demo asks for a few dozen
/// books at most, not for an ever-changing set). The bodies are
/// [`Bytes`], so a hit is a reference count, not a copy.
#[derive(Debug, Default)]
pub(crate) struct BookCache {
    books: HashMap<(String, usize), Bytes>,
    bytes: usize,
}

impl BookCache {
    /// Most bytes of books kept; larger books are generated every time.
    pub(crate) const LIMIT: usize = 256 * 1024 * 1024;

    /// The book, if it was generated before.
    pub(crate) fn get(&self, name: &str, size: usize) -> Option<Bytes> {
        // The key is owned; one small allocation per lookup is nothing
        // next to the request it serves.
        self.books.get(&(name.to_owned(), size)).cloned()
    }

    /// Keeps `body`, the book `name` of `size` bytes.
    pub(crate) fn insert(&mut self, name: String, size: usize, body: Bytes) {
        if size > Self::LIMIT {
            return;
        }
        if self.bytes + size > Self::LIMIT {
            self.books.clear();
            self.bytes = 0;
        }
        if self.books.insert((name, size), body).is_none() {
            self.bytes += size;
        }
    }
}

/// Cumulative odds of each word of [`VOCABULARY`]: word `i` is drawn in
/// proportion to `1 / (i + 2)`, a Zipf-Mandelbrot law like real text's.
fn zipf_odds() -> [u64; VOCABULARY.len()] {
    let mut sum = 0;
    std::array::from_fn(|i| {
        sum += 1_000_000 / (i as u64 + 2);
        sum
    })
}

/// SplitMix64 (Steele, Lea and Flood, 2014): a tiny random generator whose
/// output, unlike a crate's, is fixed forever, so book bodies never change
/// when a dependency is upgraded.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`). The modulo's bias, below one part in
    /// 10^12 for these `n`, cannot show in a book.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// `name` with every character outside printable ASCII replaced by `?`:
/// the body stays ASCII (no UTF-8 sequence cut in half by the size limit),
/// and odd names cannot inject control bytes.
fn printable(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c == ' ' || c.is_ascii_graphic() {
                c
            } else {
                '?'
            }
        })
        .collect()
}

/// The body `/bytes/{n}` answers: `n` bytes counting `0, 1, ..., 250, 0, ..`.
///
/// The period, 251, is prime, so the pattern never lines up with power-of-two
/// buffer or chunk sizes: a chunk written at the wrong offset shows up in a
/// byte-for-byte compare.
pub fn bytes_body(n: usize) -> Vec<u8> {
    // `i < 251`, so the cast to `u8` never truncates.
    let block: [u8; 251] = std::array::from_fn(|i| i as u8);
    let mut body = Vec::with_capacity(n);
    while body.len() < n {
        let take = (n - body.len()).min(block.len());
        body.extend_from_slice(&block[..take]);
    }
    body
}

/// 64-bit FNV-1a: tiny, and unlike `std`'s `DefaultHasher` its output is
/// fixed forever, so page bodies stay the same across Rust versions.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_body_has_exactly_the_requested_size() {
        for size in [0, 1, 5, 63, 64, 100, DEFAULT_PAGE_SIZE, 100_001] {
            assert_eq!(page_body("x", size).len(), size);
        }
    }

    #[test]
    fn page_body_names_the_page_and_depends_on_the_name() {
        let a = page_body("alpha", 1000);
        assert!(a.starts_with(b"page alpha\n"));
        assert_eq!(a, page_body("alpha", 1000));
        let b = page_body("beta", 1000);
        // Not only the first line differs: the filler does too.
        assert_ne!(a[500..], b[500..]);
    }

    #[test]
    fn page_body_is_ascii_even_for_odd_names() {
        let body = page_body("caf\u{e9}\n<b>", 200);
        assert!(body.is_ascii());
        assert!(body.starts_with(b"page caf??<b>\n"));
    }

    /// Words of `text` as a reader would count them: runs of letters,
    /// lower-cased.
    fn words(text: &[u8]) -> Vec<String> {
        std::str::from_utf8(text)
            .unwrap()
            .split(|c: char| !c.is_ascii_alphabetic())
            .filter(|w| !w.is_empty())
            .map(str::to_ascii_lowercase)
            .collect()
    }

    #[test]
    fn book_body_has_exactly_the_requested_size() {
        for size in [0, 1, 5, 11, 72, 1000, DEFAULT_BOOK_SIZE, 100_001] {
            assert_eq!(book_body("x", size).len(), size);
        }
    }

    #[test]
    fn book_body_names_the_book_and_depends_on_the_name() {
        let a = book_body("alpha", 5000);
        assert!(a.starts_with(b"book alpha\n\n"));
        assert_eq!(a, book_body("alpha", 5000));
        let b = book_body("beta", 5000);
        assert_ne!(a[1000..], b[1000..]);
        // A shorter book is the start of the longer one.
        assert_eq!(book_body("alpha", 700), a[..700]);
        let odd = book_body("caf\u{e9}\n", 200);
        assert!(odd.is_ascii());
        assert!(odd.starts_with(b"book caf??\n\n"));
    }

    #[test]
    fn book_body_is_wrapped_sentences_of_vocabulary_words() {
        let book = book_body("shape", DEFAULT_BOOK_SIZE);
        assert!(book.is_ascii());
        let text = std::str::from_utf8(&book).unwrap();
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some("book shape"));
        assert_eq!(lines.next(), Some(""));
        for line in lines {
            assert!(line.len() <= BOOK_LINE, "{line:?}");
            assert!(!line.starts_with(' ') && !line.ends_with(' '), "{line:?}");
        }
        assert!(text.contains(". The ") || text.contains(".\nThe "));
        assert!(text.contains(".\n\n"), "paragraphs");
        assert!(text.contains(", "), "commas");

        // Every word but the last (which the size may cut) is from the
        // vocabulary, and a short novel's worth of them.
        let words = words(&book["book shape\n\n".len()..]);
        assert!((55_000..70_000).contains(&words.len()), "{}", words.len());
        for word in &words[..words.len() - 1] {
            assert!(VOCABULARY.contains(&word.as_str()), "{word:?}");
        }
    }

    #[test]
    fn book_words_follow_zipf_like_odds() {
        let words = words(&book_body("zipf", DEFAULT_BOOK_SIZE));
        let count = |w: &str| words.iter().filter(|x| *x == w).count();
        let (the, of, water) = (count("the"), count("of"), count("water"));
        // Expected shares: "the" 1/2 : "of" 1/3 : "water" 1/101 of the odds.
        let share = the as f64 / words.len() as f64;
        assert!((0.10..0.14).contains(&share), "the: {share}");
        assert!(the > of && of > water && water > 0, "{the} {of} {water}");
        let distinct: std::collections::BTreeSet<&String> =
            words.iter().collect();
        // All 100 words, plus "book" and "zipf" from the title line.
        assert_eq!(distinct.len(), VOCABULARY.len() + 2);
    }

    #[test]
    fn vocabulary_words_are_distinct_lowercase_letters() {
        let mut seen = std::collections::BTreeSet::new();
        for word in VOCABULARY {
            assert!(word.bytes().all(|b| b.is_ascii_lowercase()), "{word}");
            assert!(seen.insert(word), "{word} twice");
        }
    }

    #[test]
    fn book_cache_keeps_books_up_to_its_limit() {
        let mut cache = BookCache::default();
        assert_eq!(cache.get("a", 10), None);
        cache.insert("a".into(), 10, Bytes::from(book_body("a", 10)));
        assert_eq!(
            cache.get("a", 10).as_deref(),
            Some(&book_body("a", 10)[..])
        );
        assert_eq!(cache.get("a", 11), None, "size is part of the key");
        cache.insert("a".into(), 10, Bytes::from(book_body("a", 10)));
        assert_eq!(cache.bytes, 10, "the same book counts once");

        // A book that does not fit clears the cache first.
        let big = BookCache::LIMIT - 5;
        cache.insert("big".into(), big, Bytes::new());
        assert_eq!((cache.books.len(), cache.bytes), (1, big));
        assert_eq!(cache.get("a", 10), None);
        // One larger than the limit is never kept.
        cache.insert("huge".into(), BookCache::LIMIT + 1, Bytes::new());
        assert_eq!(cache.get("huge", BookCache::LIMIT + 1), None);
        assert!(cache.get("big", big).is_some());
    }

    #[test]
    fn splitmix64_matches_the_reference_output() {
        // The first outputs of the reference C implementation for seed 0.
        let mut random = SplitMix64(0);
        assert_eq!(random.next(), 0xe220_a839_7b1d_cdaf);
        assert_eq!(random.next(), 0x6e78_9e6a_a1b9_65f4);
    }

    #[test]
    fn bytes_body_counts_modulo_251() {
        let body = bytes_body(1000);
        assert_eq!(body.len(), 1000);
        for (i, &b) in body.iter().enumerate() {
            assert_eq!(usize::from(b), i % 251);
        }
        assert!(bytes_body(0).is_empty());
    }

    #[test]
    fn fnv1a_matches_the_published_test_vector() {
        // From the FNV reference: FNV-1a 64 of "a".
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
