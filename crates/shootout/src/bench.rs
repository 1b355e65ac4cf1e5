//! The measurements: every (workload, approach, workers) cell, repeated,
//! verified against the server, summarised as one [`Row`].

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use demo_server::Background;
use indicatif::ProgressBar;

use crate::measure;
use shootout::approaches::Approach;

/// The three workloads every demo runs.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, serde::Serialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Workload {
    /// Download the URLs and save them (I/O-bound).
    Download,
    /// Talk 02's SHA-256 chains (CPU-bound).
    Hash,
    /// Talk 04's sums of squares (CPU-bound).
    SumSquares,
}

impl Workload {
    /// The subcommand (and JSON name) of this workload.
    pub fn name(self) -> &'static str {
        match self {
            Workload::Download => "download",
            Workload::Hash => "hash",
            Workload::SumSquares => "sum-squares",
        }
    }

    /// True for the CPU-bound ones.
    pub fn is_cpu(self) -> bool {
        self != Workload::Download
    }
}

/// The inputs shared by every run.
#[derive(Debug)]
pub struct Setup {
    /// The URL list file (download).
    pub url_file: PathBuf,
    /// The URLs in it, with the page name and size each one must have.
    pub pages: Vec<(String, String, usize)>,
    /// Server latency, for the ideal time.
    pub latency: Duration,
    /// CPU tasks (count, rounds) for hash and (count, base) for sums.
    pub tasks: u64,
    /// Rounds per hash chain.
    pub rounds: u64,
    /// Smallest n of the sums.
    pub base: u64,
    /// Repeats per cell.
    pub repeat: usize,
    /// Cores on this machine, for the CPU ideal.
    pub cores: usize,
    /// Scratch folder for outputs, traces and captured output.
    pub scratch: PathBuf,
}

/// One item of a demo's `--trace`, as the timelines need it.
#[derive(Clone, Debug, serde::Deserialize)]
pub struct TraceItem {
    /// Which worker (thread, process, task) ran it.
    pub worker: Option<usize>,
    /// The URL or task name.
    pub item: String,
    /// ms since the demo's run started.
    pub start_ms: f64,
    /// ms since the demo's run started.
    pub end_ms: f64,
    /// Success.
    pub ok: bool,
    /// The CPU task's answer.
    #[serde(default)]
    pub answer: Option<String>,
}

/// One line of the results table.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Row {
    /// download, hash or sum-squares.
    pub workload: Workload,
    /// Short approach name (`tokio`), or `py-...` for the Python versions.
    pub approach: String,
    /// `--workers` given to the demo.
    pub workers: usize,
    /// Wall time of every repeat, in seconds (process start to exit).
    pub seconds: Vec<f64>,
    /// Median of `seconds`.
    pub median: f64,
    /// seq's median divided by this one (filled in afterwards).
    pub speedup: Option<f64>,
    /// The best this worker count allows, in seconds (filled in afterwards
    /// for CPU rows, which need seq's time).
    pub ideal: Option<f64>,
    /// `ideal / median`: 1.0 is as good as the hardware and latency allow.
    pub efficiency: Option<f64>,
    /// Most requests the server was handling at once (max over repeats).
    pub peak_in_flight: u64,
    /// Files (or answers) that matched the server (or seq), in the worst
    /// repeat.
    pub verified: usize,
    /// Files (or answers) expected.
    pub total: usize,
    /// Largest resident set of the demo (or its largest worker), in KiB;
    /// `None` where the OS does not report it (Windows).
    pub peak_rss_kib: Option<i64>,
    /// Something went wrong (exit code, unreadable output).
    pub note: Option<String>,
    /// The last repeat's trace, for the timelines.
    #[serde(skip)]
    pub trace: Vec<TraceItem>,
}

/// Runs one approach at one worker count `setup.repeat` times.
pub fn measure_cell(
    setup: &Setup,
    server: &Background,
    approach: &Approach,
    workload: Workload,
    workers: usize,
    expected_answers: &[(String, String)],
    progress: &ProgressBar,
) -> Result<Row> {
    let mut row = Row {
        workload,
        approach: approach.name.to_owned(),
        workers,
        seconds: Vec::new(),
        median: f64::NAN,
        speedup: None,
        ideal: None,
        efficiency: None,
        peak_in_flight: 0,
        verified: usize::MAX,
        total: 0,
        peak_rss_kib: None,
        note: None,
        trace: Vec::new(),
    };
    let out = setup.scratch.join("out");
    let trace_file = setup.scratch.join("trace.jsonl");
    for repeat in 0..setup.repeat {
        progress.set_message(format!(
            "{} {} x{workers} (run {}/{})",
            workload.name(),
            approach.name,
            repeat + 1,
            setup.repeat
        ));
        if out.exists() {
            fs::remove_dir_all(&out).context("clearing the output folder")?;
        }
        let _ = fs::remove_file(&trace_file);
        server.reset_stats();

        let args =
            demo_args(setup, approach, workload, workers, &out, &trace_file);
        let (measured, stdout, stderr) =
            measure::run(&approach.binary, &args, &setup.scratch)?;
        let stats = server.stats();
        row.seconds.push(measured.seconds);
        row.peak_in_flight = row.peak_in_flight.max(stats.peak_in_flight);
        row.peak_rss_kib = row.peak_rss_kib.max(measured.max_rss_kib);

        if !matches!(measured.code, Some(0 | 1)) {
            let why = stderr.lines().next().unwrap_or("no output").to_owned();
            row.note = Some(format!("exit {:?}: {why}", measured.code));
        } else if serde_json::from_str::<cli_report::Summary>(stdout.trim())
            .is_err()
        {
            row.note = Some("the --json summary did not parse".into());
        }

        let trace = read_trace(&trace_file);
        let (verified, total) = match workload {
            Workload::Download => verify_files(&setup.pages, &out),
            _ => verify_answers(expected_answers, &trace),
        };
        row.verified = row.verified.min(verified);
        row.total = total;
        row.trace = trace;
        progress.inc(1);
    }
    row.median = median(&row.seconds);
    if workload == Workload::Download {
        let n = setup.pages.len().max(1);
        let rounds = n.div_ceil(workers.max(1));
        let ideal = rounds as f64 * setup.latency.as_secs_f64();
        row.ideal = Some(ideal);
    }
    Ok(row)
}

/// The demo's command line for one run.
fn demo_args(
    setup: &Setup,
    approach: &Approach,
    workload: Workload,
    workers: usize,
    out: &Path,
    trace: &Path,
) -> Vec<String> {
    let mut args = approach.prefix.clone();
    args.push(workload.name().into());
    match workload {
        Workload::Download => args.extend([
            "--urls".into(),
            setup.url_file.display().to_string(),
            "--out".into(),
            out.display().to_string(),
        ]),
        Workload::Hash => args.extend([
            "--tasks".into(),
            setup.tasks.to_string(),
            "--rounds".into(),
            setup.rounds.to_string(),
        ]),
        Workload::SumSquares => args.extend([
            "--tasks".into(),
            setup.tasks.to_string(),
            "--base".into(),
            setup.base.to_string(),
        ]),
    }
    args.extend([
        "--json".into(),
        "--trace".into(),
        trace.display().to_string(),
    ]);
    if !approach.sequential {
        args.extend(["--workers".into(), workers.to_string()]);
    }
    args.extend(approach.suffix.iter().cloned());
    args
}

/// Reads a demo's `--trace` file (missing or broken lines are skipped: the
/// verification then counts them as not verified).
pub fn read_trace(path: &Path) -> Vec<TraceItem> {
    fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect()
}

/// Counts the pages saved byte for byte as the server sent them.
fn verify_files(
    pages: &[(String, String, usize)],
    out: &Path,
) -> (usize, usize) {
    let ok = pages
        .iter()
        .filter(|(url, name, size)| {
            let path = shared::filename_for_url(url, out);
            fs::read(path)
                .is_ok_and(|saved| saved == demo_server::page_body(name, *size))
        })
        .count();
    (ok, pages.len())
}

/// Counts the tasks whose answer matches the shootout's own computation.
fn verify_answers(
    expected: &[(String, String)],
    trace: &[TraceItem],
) -> (usize, usize) {
    let ok = expected
        .iter()
        .filter(|(name, answer)| {
            trace.iter().any(|t| {
                t.ok && &t.item == name && t.answer.as_ref() == Some(answer)
            })
        })
        .count();
    (ok, expected.len())
}

/// Median of a non-empty list (NaN if empty).
pub fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

/// Fills in speedup (vs seq's row of the same workload) and, for CPU rows,
/// the ideal: seq's time spread over every core.
pub fn compare_with_seq(rows: &mut [Row], cores: usize) {
    let seq: Vec<(Workload, f64)> = rows
        .iter()
        .filter(|r| r.approach == "seq")
        .map(|r| (r.workload, r.median))
        .collect();
    for row in rows.iter_mut() {
        let Some(&(_, seq_time)) = seq.iter().find(|(w, _)| *w == row.workload)
        else {
            continue;
        };
        row.speedup = Some(seq_time / row.median);
        if row.workload.is_cpu() {
            row.ideal = Some(seq_time / cores as f64);
        }
        row.efficiency = row.ideal.map(|ideal| ideal / row.median);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        assert!(median(&[]).is_nan());
    }
}
