//! Talk 03's `process` stage: split texts into words and count them.
//!
//! The CPU-bound part of pipeline-demo, shared by `src/main.rs` and the
//! examples (`cargo run -p pipeline-demo --example s01-stage-after-stage`).
//! The talk tokenizes each saved book in a `ProcessPoolExecutor`; here a
//! [`WordCounts`] is plain data that rayon threads fill in parallel and
//! then merge, because without a GIL threads already use every core.

use std::borrow::Cow;
use std::collections::HashMap;

/// How many of the most frequent words the summary lists.
pub const TOP: usize = 10;

// ANCHOR: counting
/// The words of `text`: runs of letters and digits; everything else
/// (spaces, punctuation, apostrophes, invalid UTF-8) separates them.
///
/// `"Don't panic, 42!"` has the words `Don`, `t`, `panic` and `42`. A
/// simple rule that any single-threaded count can repeat exactly, which is
/// what the tests do.
pub fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
}

/// How often each word occurs in some texts, case folded (`The` is `the`).
///
/// Counting is a fold and merging is addition, so the result is the same
/// whichever thread counted which text in which order: the summary is
/// identical for 1 or 30 download threads.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WordCounts {
    texts: usize,
    counts: HashMap<String, u64>,
}

impl WordCounts {
    /// No texts yet.
    pub fn new() -> WordCounts {
        WordCounts::default()
    }

    /// The counts of one text.
    pub fn of(text: &[u8]) -> WordCounts {
        let mut counts = WordCounts::new();
        counts.add(text);
        counts
    }

    /// Counts the words of one more text (bytes as saved; not valid
    /// UTF-8 is read as U+FFFD, which separates words).
    pub fn add(&mut self, text: &[u8]) {
        self.texts += 1;
        let text = String::from_utf8_lossy(text);
        for word in words(&text) {
            // Only a word with capitals needs a new, lower-case String;
            // and only a word not seen before is copied into the map. So
            // most of a book's words cost a lookup, not an allocation.
            let word: Cow<'_, str> = if word.chars().any(char::is_uppercase) {
                Cow::Owned(word.to_lowercase())
            } else {
                Cow::Borrowed(word)
            };
            match self.counts.get_mut(word.as_ref()) {
                Some(count) => *count += 1,
                None => {
                    self.counts.insert(word.into_owned(), 1);
                }
            }
        }
    }

    /// Both counts together: rayon's `reduce` step. The smaller map is
    /// added into the larger one.
    pub fn merge(self, other: WordCounts) -> WordCounts {
        let (mut big, small) = if self.counts.len() >= other.counts.len() {
            (self, other)
        } else {
            (other, self)
        };
        big.texts += small.texts;
        for (word, count) in small.counts {
            *big.counts.entry(word).or_insert(0) += count;
        }
        big
    }
    // ANCHOR_END: counting

    /// How many texts were counted.
    pub fn texts(&self) -> usize {
        self.texts
    }

    /// How many words, all told.
    pub fn total(&self) -> u64 {
        self.counts.values().sum()
    }

    /// How many different words.
    pub fn distinct(&self) -> usize {
        self.counts.len()
    }

    /// How often `word` (lower case) occurs.
    pub fn count(&self, word: &str) -> u64 {
        self.counts.get(word).copied().unwrap_or(0)
    }

    /// The `n` most frequent words, most frequent first; equal counts in
    /// alphabetical order, so the list never depends on the hash map's
    /// (random) order.
    pub fn top(&self, n: usize) -> Vec<(&str, u64)> {
        let mut all: Vec<(&str, u64)> = self
            .counts
            .iter()
            .map(|(word, &count)| (word.as_str(), count))
            .collect();
        all.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        all.truncate(n);
        all
    }

    /// The summary, like `sort | uniq -c | sort -rn | head`:
    ///
    /// ```text
    /// pipeline-demo: 757916 words in 12 texts, 120 different; top 10:
    ///     90354 the
    ///    ...
    /// ```
    pub fn summary(&self, demo: &str) -> String {
        let texts = match self.texts {
            1 => "1 text".to_owned(),
            n => format!("{n} texts"),
        };
        let mut text = format!(
            "{demo}: {} words in {texts}, {} different",
            self.total(),
            self.distinct()
        );
        let top = self.top(TOP);
        if !top.is_empty() {
            text += &format!("; top {}:", top.len());
        }
        text.push('\n');
        for (word, count) in top {
            text += &format!("{count:>9} {word}\n");
        }
        text
    }
}

/// Prints [`WordCounts::summary`] after the work, before the report's
/// own summary: on stdout, or on stderr when `--json` was given, so that
/// stdout stays the one JSON object scripts parse.
pub fn print_summary(report: &cli_report::Report, counts: &WordCounts) {
    if report.json() {
        eprint!("{}", counts.summary(report.name()));
    } else {
        print!("{}", counts.summary(report.name()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_runs_of_letters_and_digits() {
        let text = "Don't panic, 42!\n\nThe  end--caf\u{e9}.";
        let found: Vec<&str> = words(text).collect();
        assert_eq!(
            found,
            ["Don", "t", "panic", "42", "The", "end", "caf\u{e9}"]
        );
        assert_eq!(words(" ,.;\n").count(), 0);
    }

    #[test]
    fn counts_fold_case_and_count_texts() {
        let counts = WordCounts::of(b"The cat and the hat. THE END");
        assert_eq!(counts.texts(), 1);
        assert_eq!(counts.total(), 7);
        assert_eq!(counts.distinct(), 5);
        assert_eq!(counts.count("the"), 3);
        assert_eq!(counts.count("The"), 0, "keys are lower case");
        assert_eq!(counts.count("end"), 1);
    }

    #[test]
    fn invalid_utf8_separates_words() {
        let counts = WordCounts::of(b"one\xfftwo \xc3three");
        assert_eq!(counts.top(5), [("one", 1), ("three", 1), ("two", 1)]);
    }

    // ANCHOR: merge_test
    #[test]
    fn merging_in_any_order_gives_the_same_counts() {
        let texts: [&[u8]; 3] = [b"a b c a", b"b b d", b"A e"];
        let all = texts.iter().fold(WordCounts::new(), |mut c, t| {
            c.add(t);
            c
        });
        let [x, y, z] = texts.map(WordCounts::of);
        let other_order = z.merge(x.clone()).merge(y.clone());
        assert_eq!(other_order, all);
        assert_eq!(x.merge(y.merge(WordCounts::new())).texts(), 2);
        assert_eq!(all.texts(), 3);
        assert_eq!(all.top(2), [("a", 3), ("b", 3)]);
    }
    // ANCHOR_END: merge_test

    #[test]
    fn top_breaks_ties_alphabetically() {
        let counts = WordCounts::of(b"z y x y z w");
        assert_eq!(counts.top(3), [("y", 2), ("z", 2), ("w", 1)]);
        assert_eq!(counts.top(100).len(), 4);
    }

    #[test]
    fn summary_lists_the_top_words() {
        let counts = WordCounts::of(b"b a b c b a");
        assert_eq!(
            counts.summary("demo"),
            "demo: 6 words in 1 text, 3 different; top 3:\n\
             \x20       3 b\n\
             \x20       2 a\n\
             \x20       1 c\n"
        );
        assert_eq!(
            WordCounts::new().summary("demo"),
            "demo: 0 words in 0 texts, 0 different\n"
        );
    }
}
