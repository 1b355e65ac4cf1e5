//! The charts as SVG files (plotters): the comparison, the sweep, and one
//! timeline per approach, like talk 01's pictures of threads waiting for
//! I/O and working on the CPU.

use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow};
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::bench::{Row, Workload};
use crate::report::worker_ids;

/// Waiting for I/O (a download in flight).
const WAITING: RGBColor = RGBColor(0x9e, 0xc5, 0xe8);
/// CPU working (a CPU task running).
const WORKING: RGBColor = RGBColor(0xe8, 0x8a, 0x3a);
/// A failed item.
const FAILED: RGBColor = RGBColor(0xd6, 0x27, 0x28);

/// plotters' errors carry the backend's error type; flatten them.
fn err(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow!("drawing the chart: {e}")
}

/// A horizontal bar per row: median wall time, seq first.
pub fn comparison(
    dir: &Path,
    workload: Workload,
    rows: &[&Row],
) -> Result<PathBuf> {
    let path = dir.join(format!("{}-comparison.svg", workload.name()));
    let height = 120 + 36 * rows.len() as u32;
    let root = SVGBackend::new(&path, (760, height)).into_drawing_area();
    root.fill(&WHITE).map_err(err)?;
    let slowest = rows.iter().map(|r| r.median).fold(0.0_f64, f64::max);
    // plotters counts segments from the bottom; list the rows top-down,
    // seq first, as in the table.
    let labels: Vec<String> = rows
        .iter()
        .rev()
        .map(|r| format!("{} x{}", r.approach, r.workers))
        .collect();
    let lane = |i: usize| rows.len() - 1 - i;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            format!(
                "{}: median wall time (s), lower is better",
                workload.name()
            ),
            ("sans-serif", 18),
        )
        .margin(12)
        .x_label_area_size(30)
        .y_label_area_size(150)
        .build_cartesian_2d(
            0.0..slowest * 1.15,
            (0..rows.len()).into_segmented(),
        )
        .map_err(err)?;
    chart
        .configure_mesh()
        .label_style(("sans-serif", 13))
        .axis_desc_style(("sans-serif", 14))
        .disable_y_mesh()
        .y_labels(rows.len())
        .y_label_formatter(&|v| match v {
            SegmentValue::CenterOf(i) => {
                labels.get(*i).cloned().unwrap_or_default()
            }
            _ => String::new(),
        })
        .x_desc("seconds")
        .draw()
        .map_err(err)?;
    let colour = if workload.is_cpu() { WORKING } else { WAITING };
    chart
        .draw_series(rows.iter().enumerate().map(|(i, r)| {
            let mut bar = Rectangle::new(
                [
                    (0.0, SegmentValue::Exact(lane(i))),
                    (r.median, SegmentValue::Exact(lane(i) + 1)),
                ],
                colour.filled(),
            );
            bar.set_margin(5, 5, 0, 0);
            bar
        }))
        .map_err(err)?;
    chart
        .draw_series(rows.iter().enumerate().map(|(i, r)| {
            Text::new(
                format!("{:.3} s", r.median),
                (r.median + slowest * 0.01, SegmentValue::CenterOf(lane(i))),
                ("sans-serif", 13),
            )
        }))
        .map_err(err)?;
    root.present().map_err(err)?;
    Ok(path.clone())
}

/// Time against `--workers`, one line per approach.
pub fn sweep(dir: &Path, workload: Workload, rows: &[&Row]) -> Result<PathBuf> {
    let path = dir.join(format!("{}-sweep.svg", workload.name()));
    let root = SVGBackend::new(&path, (760, 420)).into_drawing_area();
    root.fill(&WHITE).map_err(err)?;
    let most = rows.iter().map(|r| r.workers).max().unwrap_or(1);
    let slowest = rows.iter().map(|r| r.median).fold(0.0_f64, f64::max);
    let mut chart = ChartBuilder::on(&root)
        .caption(
            format!("{}: median wall time (s) by --workers", workload.name()),
            ("sans-serif", 18),
        )
        .margin(12)
        .x_label_area_size(35)
        .y_label_area_size(50)
        .build_cartesian_2d(0..most + 1, 0.0..slowest * 1.1)
        .map_err(err)?;
    chart
        .configure_mesh()
        .label_style(("sans-serif", 13))
        .axis_desc_style(("sans-serif", 14))
        .x_desc("workers")
        .y_desc("seconds")
        .draw()
        .map_err(err)?;
    let mut names: Vec<&str> =
        rows.iter().map(|r| r.approach.as_str()).collect();
    names.dedup();
    for (i, name) in names.iter().enumerate() {
        let colour = Palette99::pick(i).to_rgba();
        let points: Vec<(usize, f64)> = rows
            .iter()
            .filter(|r| r.approach == *name)
            .map(|r| (r.workers, r.median))
            .collect();
        chart
            .draw_series(LineSeries::new(
                points.clone(),
                colour.stroke_width(2),
            ))
            .map_err(err)?
            .label(name.to_string())
            .legend(move |(x, y)| {
                PathElement::new([(x, y), (x + 16, y)], colour.stroke_width(2))
            });
        chart
            .draw_series(
                points
                    .into_iter()
                    .map(|p| Circle::new(p, 3, colour.filled())),
            )
            .map_err(err)?;
    }
    chart
        .configure_series_labels()
        .border_style(BLACK)
        .background_style(WHITE.mix(0.9))
        .draw()
        .map_err(err)?;
    root.present().map_err(err)?;
    Ok(path.clone())
}

/// One row per worker, one bar per item, coloured by what the worker was
/// doing: waiting for I/O (downloads) or CPU working (CPU tasks).
pub fn timeline(dir: &Path, row: &Row) -> Result<PathBuf> {
    let path = dir.join(format!(
        "{}-timeline-{}-x{}.svg",
        row.workload.name(),
        row.approach,
        row.workers
    ));
    let workers = worker_ids(&row.trace);
    let height = 140 + 22 * workers.len().clamp(1, 64) as u32;
    let root = SVGBackend::new(&path, (900, height)).into_drawing_area();
    root.fill(&WHITE).map_err(err)?;
    draw_timeline(&root, row, &workers)?;
    root.present().map_err(err)?;
    Ok(path.clone())
}

fn draw_timeline(
    root: &DrawingArea<SVGBackend<'_>, Shift>,
    row: &Row,
    workers: &[usize],
) -> Result<()> {
    let end = row.trace.iter().map(|t| t.end_ms).fold(1.0_f64, f64::max);
    let (colour, what) = if row.workload.is_cpu() {
        (WORKING, "CPU working")
    } else {
        (WAITING, "waiting for I/O")
    };
    let mut chart = ChartBuilder::on(root)
        .caption(
            format!(
                "{} x{}, {}: one row per worker ({what})",
                row.approach,
                row.workers,
                row.workload.name()
            ),
            ("sans-serif", 16),
        )
        .margin(10)
        .x_label_area_size(30)
        .y_label_area_size(50)
        .build_cartesian_2d(
            0.0..end * 1.02,
            (0..workers.len().max(1)).into_segmented(),
        )
        .map_err(err)?;
    chart
        .configure_mesh()
        .label_style(("sans-serif", 13))
        .axis_desc_style(("sans-serif", 14))
        .disable_y_mesh()
        .y_labels(workers.len().min(32))
        .y_label_formatter(&|v| match v {
            SegmentValue::CenterOf(i) => {
                workers.get(*i).map(|w| format!("w{w}")).unwrap_or_default()
            }
            _ => String::new(),
        })
        .x_desc("milliseconds since the run started")
        .draw()
        .map_err(err)?;
    chart
        .draw_series(row.trace.iter().filter_map(|t| {
            let lane = workers.iter().position(|w| Some(*w) == t.worker)?;
            let fill = if t.ok { colour } else { FAILED };
            let mut bar = Rectangle::new(
                [
                    (t.start_ms, SegmentValue::Exact(lane)),
                    (
                        t.end_ms.max(t.start_ms + end * 0.002),
                        SegmentValue::Exact(lane + 1),
                    ),
                ],
                fill.filled(),
            );
            bar.set_margin(2, 2, 1, 1);
            Some(bar)
        }))
        .map_err(err)?;
    Ok(())
}
