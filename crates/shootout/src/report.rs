//! The results in the terminal: the comparison table, the time-vs-workers
//! chart of a sweep, and per-worker timelines (talk 01's hand-drawn
//! "waiting for I/O / CPU working" pictures, drawn from `--trace`).

use std::fmt::Write as _;

use crate::bench::{Row, TraceItem, Workload};

/// The table's columns, as the terminal and the HTML page head them.
pub const HEADERS: [&str; 9] = [
    "approach",
    "workers",
    "time s (min-max)",
    "vs seq",
    "ideal s",
    "eff.",
    "in-flight",
    "verified",
    "peak RSS",
];

/// One row's cells, in the order of [`HEADERS`].
pub fn cells(r: &Row) -> [String; 9] {
    let time = format!(
        "{:.3} ({:.3}-{:.3})",
        r.median,
        min(&r.seconds),
        max(&r.seconds)
    );
    let in_flight = if r.workload == Workload::Download {
        r.peak_in_flight.to_string()
    } else {
        "-".into()
    };
    [
        r.approach.clone(),
        r.workers.to_string(),
        time,
        r.speedup.map_or("-".into(), |x| format!("{x:.2}x")),
        r.ideal.map_or("-".into(), |x| format!("{x:.3}")),
        r.efficiency
            .map_or("-".into(), |x| format!("{:.0}%", x * 100.0)),
        in_flight,
        format!("{}/{}", r.verified, r.total),
        r.peak_rss_kib.map_or("-".into(), |kib| {
            format!("{:.1} MiB", kib as f64 / 1024.0)
        }),
    ]
}

/// The table for one workload.
pub fn table(title: &str, rows: &[&Row]) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{title}");
    let line = |s: &mut String, c: &[String]| {
        let _ = writeln!(
            s,
            "{:<22} {:>7} {:>20} {:>8} {:>8} {:>6} {:>9} {:>9} {:>9}",
            c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8]
        );
    };
    line(&mut s, &HEADERS.map(String::from));
    for r in rows {
        line(&mut s, &cells(r));
        if let Some(note) = &r.note {
            let _ = writeln!(s, "    ^ {note}");
        }
    }
    s
}

/// For a sweep: one line per approach, time at each worker count, and a
/// bar per count so the shape of the curve shows at a glance. An approach
/// that ran at none of the counts (seq, at its one worker) gets its time
/// on a line of its own, outside the bars' scale.
pub fn sweep_chart(title: &str, rows: &[&Row], counts: &[usize]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let slowest = rows
        .iter()
        .filter(|r| counts.contains(&r.workers))
        .map(|r| r.median)
        .fold(0.0_f64, f64::max);
    let mut s = String::new();
    let _ = writeln!(s, "{title}: median seconds by --workers");
    let mut header = format!("{:<22}", "approach");
    for c in counts {
        let _ = write!(header, " {c:>7}");
    }
    let _ = writeln!(s, "{header}");
    let mut names: Vec<&str> =
        rows.iter().map(|r| r.approach.as_str()).collect();
    names.dedup();
    for name in names {
        let mine = || rows.iter().filter(|r| r.approach == name);
        if !mine().any(|r| counts.contains(&r.workers)) {
            for r in mine() {
                let _ = writeln!(
                    s,
                    "{name:<22} {:.3} s with --workers {} (not swept)",
                    r.median, r.workers
                );
            }
            continue;
        }
        let mut line = format!("{name:<22}");
        let mut bars = String::new();
        for c in counts {
            match rows.iter().find(|r| r.approach == name && r.workers == *c) {
                Some(r) => {
                    let _ = write!(line, " {:>7.3}", r.median);
                    let level = (r.median / slowest * 7.0).round() as usize;
                    bars.push(BARS[level.min(7)]);
                }
                None => {
                    let _ = write!(line, " {:>7}", "-");
                    bars.push(' ');
                }
            }
        }
        let _ = writeln!(s, "{line}  {bars}");
    }
    s
}

// ANCHOR: timeline
/// One row per worker, one stretch per item: `░`/`▒` waiting for I/O (a
/// download), `█`/`▓` CPU working (a CPU task), `x` a failed item. The two
/// shades alternate so that back-to-back items stay apart.
pub fn timeline(row: &Row, width: usize) -> String {
    const MAX_ROWS: usize = 32;
    let mut s = String::new();
    let end = row.trace.iter().map(|t| t.end_ms).fold(0.0_f64, f64::max);
    let busy = if row.workload.is_cpu() {
        ['█', '▓']
    } else {
        ['░', '▒']
    };
    let _ = writeln!(
        s,
        "{} x{}, {} (last run: {:.0} ms; {} {}, x failed)",
        row.approach,
        row.workers,
        row.workload.name(),
        end,
        busy[0],
        if row.workload.is_cpu() {
            "CPU working"
        } else {
            "waiting for I/O"
        }
    );
    let workers = worker_ids(&row.trace);
    for (i, w) in workers.iter().enumerate() {
        if i == MAX_ROWS {
            let _ =
                writeln!(s, "  ... {} more workers", workers.len() - MAX_ROWS);
            break;
        }
        let mut cells = vec![' '; width];
        let items = row.trace.iter().filter(|t| t.worker == Some(*w));
        for (n, t) in items.enumerate() {
            let (a, b) = columns(t, end, width);
            for cell in &mut cells[a..b] {
                *cell = if t.ok { busy[n % 2] } else { 'x' };
            }
        }
        let cells: String = cells.into_iter().collect();
        let _ = writeln!(s, "  {w:>4} |{cells}|");
    }
    s
}
// ANCHOR_END: timeline

/// The distinct worker ids of a trace, sorted.
pub fn worker_ids(trace: &[TraceItem]) -> Vec<usize> {
    let mut ids: Vec<usize> = trace.iter().filter_map(|t| t.worker).collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// The columns `[a, b)` an item covers on a line `width` wide spanning
/// `0..end` ms; at least one column, so short items stay visible.
fn columns(t: &TraceItem, end: f64, width: usize) -> (usize, usize) {
    if end <= 0.0 {
        return (0, 1.min(width));
    }
    let scale = width as f64 / end;
    let a =
        ((t.start_ms * scale).floor() as usize).min(width.saturating_sub(1));
    let b = ((t.end_ms * scale).ceil() as usize).clamp(a + 1, width);
    (a, b)
}

fn min(values: &[f64]) -> f64 {
    values.iter().copied().fold(f64::INFINITY, f64::min)
}

fn max(values: &[f64]) -> f64 {
    values.iter().copied().fold(f64::NEG_INFINITY, f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(approach: &str, workers: usize, median: f64) -> Row {
        Row {
            workload: Workload::Download,
            approach: approach.to_owned(),
            workers,
            seconds: vec![median],
            median,
            speedup: None,
            ideal: None,
            efficiency: None,
            peak_in_flight: 0,
            verified: 0,
            total: 0,
            peak_rss_kib: None,
            note: None,
            trace: Vec::new(),
        }
    }

    #[test]
    fn a_baseline_outside_the_sweep_gets_a_line_of_its_own() {
        let rows = [
            row("seq", 1, 3.0),
            row("tokio", 5, 0.6),
            row("tokio", 10, 0.3),
        ];
        let rows: Vec<&Row> = rows.iter().collect();
        let chart = sweep_chart("download", &rows, &[5, 10]);
        let lines: Vec<&str> = chart.lines().collect();
        assert_eq!(
            lines[2],
            "seq                    3.000 s with --workers 1 (not swept)",
            "{chart}"
        );
        // The bars are scaled to the swept rows: the slowest is the top bar.
        assert!(lines[3].ends_with("█▅"), "{chart}");
    }
}
