//! Reading and checking a demo's `--trace` file: one JSON object per item
//! (`item`, `worker`, `start_ms`, `end_ms`, `ok`, `bytes`, `answer`).
//!
//! The worker ids are what the Gantt charts draw as lanes; the checks here
//! make sure a lane is a real lane of concurrency, not a label.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

/// The `--trace` file at `path`, one JSON object per line.
pub fn read(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!("cannot read the trace {}: {e}", path.display())
    });
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// A row's `(start_ms, end_ms)`.
pub fn span(row: &Value) -> (f64, f64) {
    let ms = |key: &str| {
        row[key]
            .as_f64()
            .unwrap_or_else(|| panic!("no {key}: {row}"))
    };
    (ms("start_ms"), ms("end_ms"))
}

/// Asserts that the rows are `workers` real lanes: every worker id is
/// below `workers`, and one lane never runs two items at once. Returns the
/// lanes that took items, so a caller can ask that all of them did.
pub fn assert_lanes(rows: &[Value], workers: u64) -> BTreeSet<u64> {
    let mut lanes: BTreeMap<u64, Vec<(f64, f64)>> = BTreeMap::new();
    for row in rows {
        let worker = row["worker"].as_u64().unwrap_or_else(|| panic!("{row}"));
        assert!(worker < workers, "worker {worker} of {workers}: {row}");
        lanes.entry(worker).or_default().push(span(row));
    }
    for (worker, spans) in &mut lanes {
        spans.sort_by(|a, b| a.0.total_cmp(&b.0));
        for pair in spans.windows(2) {
            assert!(
                pair[1].0 >= pair[0].1,
                "worker {worker} ran two items at once: {pair:?}"
            );
        }
    }
    lanes.into_keys().collect()
}

/// Every row's `(item, answer)`, sorted by item: workers finish in any
/// order, so answers are matched by task name. A sorted list, not a map,
/// so an item answered twice shows.
pub fn answers(rows: &[Value]) -> Vec<(String, String)> {
    let text = |row: &Value, key: &str| {
        row[key]
            .as_str()
            .unwrap_or_else(|| panic!("no {key}: {row}"))
            .to_owned()
    };
    let mut answers: Vec<(String, String)> = rows
        .iter()
        .map(|row| (text(row, "item"), text(row, "answer")))
        .collect();
    answers.sort();
    answers
}
