//! The end of every run: one line per failure, one summary line (or one
//! JSON object), the trace file, and the exit code.

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::PoisonError;

use crate::Common;
use crate::run::{Record, Run, Workload};

/// The numbers of one run, as `--json` prints them (and the shootout
/// reads them).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Summary {
    /// e.g. `seq-demo`.
    pub approach: String,
    /// `download`, `hash` or `sum-squares`.
    pub workload: String,
    /// How many things at once.
    pub workers: usize,
    /// Items that succeeded.
    pub ok: usize,
    /// Items that failed (including bad lines of the URL file).
    pub failed: usize,
    /// Bytes saved.
    pub bytes: u64,
    /// Wall time of the work, in seconds.
    pub seconds: f64,
    /// `[item, error]` for every failure.
    pub failures: Vec<(String, String)>,
    /// Items neither done nor failed because Ctrl-C stopped the run;
    /// absent when the run was not interrupted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unfinished: Option<usize>,
}

impl Summary {
    /// The one human line, e.g.
    /// `seq-demo: 30/30 URLs, 600.0 KiB in 3.05 s, 1 worker, 0 failed`.
    ///
    /// An interrupted run ends with `, 27 unfinished (interrupted)`.
    pub fn line(&self, unit: &str) -> String {
        let unfinished = self.unfinished.unwrap_or(0);
        let total = self.ok + self.failed + unfinished;
        let workers = match self.workers {
            1 => format!("1 {unit}"),
            n if unit.ends_with('s') => format!("{n} {unit}es"),
            n => format!("{n} {unit}s"),
        };
        let line = if self.workload == "download" {
            format!(
                "{}: {}/{total} URLs, {:.1} KiB in {:.2} s, {workers}, \
                 {} failed",
                self.approach,
                self.ok,
                self.bytes as f64 / 1024.0,
                self.seconds,
                self.failed
            )
        } else {
            format!(
                "{}: {}/{total} tasks in {:.2} s, {workers}, {} failed",
                self.approach, self.ok, self.seconds, self.failed
            )
        };
        match self.unfinished {
            Some(n) => format!("{line}, {n} unfinished (interrupted)"),
            None => line,
        }
    }
}

/// Prints the report for `run`, writes its trace, and returns the exit
/// code: 0 when every item succeeded, 1 when some failed.
///
/// `interrupted_of` is `Some(total items)` when Ctrl-C stopped the run:
/// the report then covers what finished and counts the rest as unfinished
/// (the caller exits with 130).
pub(crate) fn finish(
    run: &Run,
    common: &Common,
    interrupted_of: Option<usize>,
) -> ExitCode {
    let seconds = run.elapsed().as_secs_f64();
    run.progress.finish_and_clear();
    // Taken, not cloned: this is the end of the run. A worker that
    // panicked while recording poisoned the lock, but the records it
    // guards are whole (a push either happened or not), so use them.
    let mut records = std::mem::take(
        &mut *run.records.lock().unwrap_or_else(PoisonError::into_inner),
    );
    records.sort_by(|a, b| a.start_ms.total_cmp(&b.start_ms));

    let workload = match run.workload {
        Workload::Download => "download",
        Workload::Hash => "hash",
        Workload::SumSquares => "sum-squares",
    };
    let failures: Vec<(String, String)> = records
        .iter()
        .filter_map(|r| Some((r.item.clone(), r.error.clone()?)))
        .collect();
    let summary = Summary {
        approach: run.approach.to_owned(),
        workload: workload.to_owned(),
        workers: run.workers,
        ok: records.iter().filter(|r| r.ok).count(),
        failed: failures.len(),
        bytes: records.iter().map(|r| r.bytes).sum(),
        seconds,
        failures,
        unfinished: interrupted_of
            .map(|total| total.saturating_sub(records.len())),
    };

    print_failures(run.approach, &records);
    if common.json {
        println!(
            "{}",
            serde_json::to_string(&summary).expect("Summary serialises")
        );
    } else {
        println!("{}", summary.line(run.unit));
    }

    if let Some(path) = &common.trace
        && let Err(e) = write_trace(path, &records)
    {
        eprintln!(
            "{}: error: cannot write trace {}: {e}",
            run.approach,
            path.display()
        );
        return ExitCode::from(1);
    }
    if summary.failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// Failures go to stderr, one line each, so stdout stays the summary.
///
/// One exception: refused connections to this machine all have one cause
/// (the demo server is not running), so thirty of them make one line and
/// one hint on how to start it, not thirty lines of the same news.
fn print_failures(approach: &str, records: &[Record]) {
    let mut refused: Vec<(&str, Vec<&str>)> = Vec::new();
    for r in records.iter().filter(|r| !r.ok) {
        let error = r.error.as_deref().unwrap_or("failed");
        if !r.local_refusal {
            eprintln!("{approach}: error: {}: {error}", r.item);
        } else if let Some((_, items)) =
            refused.iter_mut().find(|(e, _)| *e == error)
        {
            items.push(&r.item);
        } else {
            refused.push((error, vec![&r.item]));
        }
    }
    for (error, items) in &refused {
        match items.as_slice() {
            [item] => eprintln!("{approach}: error: {item}: {error}"),
            [first, .., last] => eprintln!(
                "{approach}: error: {error}, for all {} URLs on it \
                 ({first} ... {last})",
                items.len()
            ),
            [] => {}
        }
    }
    if let Some((_, items)) = refused.first() {
        let port = url::Url::parse(items[0])
            .ok()
            .and_then(|u| u.port_or_known_default())
            .filter(|&p| p != 8000)
            .map(|p| format!(" -- --port {p}"))
            .unwrap_or_default();
        eprintln!(
            "{approach}: hint: is the demo server running? Start it in \
             another terminal: cargo run -p demo-server{port}"
        );
    }
}

/// One JSON object per line, in start order: the raw material for the
/// shootout's timelines.
fn write_trace(path: &Path, records: &[Record]) -> io::Result<()> {
    let mut out = BufWriter::new(fs::File::create(path)?);
    for record in records {
        serde_json::to_writer(&mut out, record)?;
        out.write_all(b"\n")?;
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_line_reads_well() {
        let mut s = Summary {
            approach: "multiprocess-demo".into(),
            workload: "download".into(),
            workers: 4,
            ok: 29,
            failed: 1,
            bytes: 29 * 20 * 1024,
            seconds: 0.8349,
            failures: vec![],
            unfinished: None,
        };
        assert_eq!(
            s.line("process"),
            "multiprocess-demo: 29/30 URLs, 580.0 KiB in 0.83 s, 4 processes, \
             1 failed"
        );
        s.workers = 1;
        s.workload = "hash".into();
        assert_eq!(
            s.line("thread"),
            "multiprocess-demo: 29/30 tasks in 0.83 s, 1 thread, 1 failed"
        );
        s.unfinished = Some(10);
        assert_eq!(
            s.line("thread"),
            "multiprocess-demo: 29/40 tasks in 0.83 s, 1 thread, 1 failed, \
             10 unfinished (interrupted)"
        );
    }

    #[test]
    fn unfinished_is_in_the_json_only_when_interrupted() {
        let mut s = Summary {
            approach: "seq-demo".into(),
            workload: "download".into(),
            workers: 1,
            ok: 1,
            failed: 0,
            bytes: 10,
            seconds: 0.5,
            failures: vec![],
            unfinished: None,
        };
        let json = serde_json::to_string(&s).unwrap();
        assert!(!json.contains("unfinished"), "{json}");
        assert_eq!(serde_json::from_str::<Summary>(&json).unwrap(), s);
        s.unfinished = Some(3);
        let json = serde_json::to_string(&s).unwrap();
        assert!(json.contains("\"unfinished\":3"), "{json}");
    }
}
