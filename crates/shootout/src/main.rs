//! shootout: talk 01's "Speed Comparison" slide, measured for real.
//!
//! Builds the demos (release), starts the demo server in this process on a
//! free port, writes the URL list, runs every demo as its own process (so
//! process and runtime start-up count, as in the talks), repeats, checks
//! every saved file against the server, and prints one table per workload.
//!
//! ```text
//! cargo run --release -p shootout                          # the default run
//! cargo run --release -p shootout -- --workers 1,5,10,20,30 --workload download
//! cargo run --release -p shootout -- --timeline --svg book/src/results
//! ```

mod bench;
mod cluster;
mod html;
mod measure;
mod report;
mod svg;

use std::fs;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::Parser;
use demo_server::{Background, Config};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use bench::{Row, Setup, Workload};
use shootout::approaches;

// ANCHOR: args
/// Run every demo on the same workload against a local server with
/// simulated latency, and compare them.
#[derive(Debug, Parser)]
#[command(name = "shootout")]
struct Args {
    /// Workloads to run: download, hash, sum-squares, or all (the default).
    #[arg(long, value_delimiter = ',', default_value = "all")]
    workload: Vec<WorkloadArg>,
    /// Approaches to compare (seq is always included): seq,
    /// threaded-queue, thread-pool, multiprocess, tokio, async-std, smol,
    /// cluster (needs redis-server: skipped with a note without it).
    #[arg(long, value_delimiter = ',')]
    approaches: Vec<String>,
    /// Number of URLs to download.
    #[arg(long, default_value_t = 30)]
    urls: usize,
    /// Server latency per request, in ms.
    #[arg(long, default_value_t = 100)]
    latency: u64,
    /// Uniform jitter around the latency, in ms.
    #[arg(long, default_value_t = 0)]
    jitter: u64,
    /// Body size of each page, in bytes.
    #[arg(long, default_value_t = demo_server::DEFAULT_PAGE_SIZE)]
    size: usize,
    /// Fraction of page requests the server answers with 500.
    #[arg(long, default_value_t = 0.0)]
    fail_rate: f64,
    /// Worker counts; more than one makes a sweep (one row per count).
    /// Default: 10 for download, the number of cores for CPU work.
    #[arg(long, value_delimiter = ',')]
    workers: Vec<usize>,
    /// Runs per cell; the table shows the median and min-max.
    #[arg(long, default_value_t = 3)]
    repeat: usize,
    /// CPU tasks per run.
    #[arg(long, default_value_t = 20)]
    tasks: u64,
    /// Rounds per hash chain.
    #[arg(long, default_value_t = 500_000)]
    rounds: u64,
    /// Smallest n of the sums of squares (talk 04 uses 5,000,000, which
    /// Rust sums in about 3 ms: too short to compare anything but start-up).
    #[arg(long, default_value_t = 50_000_000)]
    base: u64,
    /// Print the results as JSON instead of tables.
    #[arg(long)]
    json: bool,
    /// Write the charts and timelines as SVG files into this folder.
    #[arg(long, value_name = "DIR")]
    svg: Option<PathBuf>,
    /// Write the tables and every chart as one self-contained HTML page.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// Show each approach's per-worker timeline in the terminal.
    #[arg(long)]
    timeline: bool,
    /// Add the Python versions of the talks (scripts/python/; needs python3
    /// with requests and aiohttp).
    #[arg(long)]
    with_python: bool,
    /// Use debug builds of the demos (quick to build; slow CPU numbers).
    #[arg(long)]
    debug: bool,
    /// Run the demo binaries already built in this folder (e.g.
    /// target/debug) instead of building them.
    #[arg(long, value_name = "DIR", conflicts_with = "debug")]
    bin_dir: Option<PathBuf>,
}
// ANCHOR_END: args

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum WorkloadArg {
    Download,
    Hash,
    SumSquares,
    All,
}

fn main() -> ExitCode {
    if let Some(code) = measure::wrapper_mode() {
        return code;
    }
    let args = Args::parse();
    match shootout(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("shootout: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

// ANCHOR: shootout
fn shootout(args: &Args) -> Result<()> {
    if args.repeat == 0 || args.urls == 0 || args.workers.contains(&0) {
        bail!("--repeat, --urls and --workers must be at least 1");
    }
    let workloads = workloads(&args.workload);
    let mut approaches = approaches::select(&args.approaches)?;
    if let Some(dir) = &args.bin_dir {
        approaches::prebuilt(&mut approaches, dir)?;
    } else {
        eprintln!(
            "shootout: building {} demos ({})...",
            approaches.len(),
            if args.debug { "debug" } else { "release" }
        );
        approaches::build(&mut approaches, args.debug)?;
    }
    if args.with_python {
        match approaches::python() {
            Ok(python) => approaches.extend(python),
            Err(e) => eprintln!("shootout: {e}; going on without Python"),
        }
    }

    // The cluster row needs its broker and workers running first; their
    // start-up is not timed (a cluster's workers are up when jobs come).
    let most = plan_workers(args).max(approaches::cores());
    let _cluster = cluster::start(&mut approaches, most);

    let server = Background::start(Config {
        latency: Duration::from_millis(args.latency),
        jitter: Duration::from_millis(args.jitter),
        fail_rate: args.fail_rate,
        ..Config::default()
    })
    .context("starting the demo server")?;
    let scratch = tempfile::tempdir().context("creating a scratch folder")?;
    let setup = setup(args, &server, scratch.path().to_owned())?;

    let expected = expected_answers(&setup, &workloads);
    let cells = plan(args, &setup, &approaches, &workloads);
    let progress = ProgressBar::with_draw_target(
        Some((cells.len() * setup.repeat) as u64),
        ProgressDrawTarget::stderr(),
    );
    progress.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}")
            .expect("the template is a literal and valid"),
    );
    let mut rows: Vec<Row> = Vec::new();
    for (approach, workload, workers) in cells {
        let answers = expected
            .iter()
            .find(|(w, _)| *w == workload)
            .map_or(&[][..], |(_, a)| a.as_slice());
        rows.push(bench::measure_cell(
            &setup, &server, approach, workload, workers, answers, &progress,
        )?);
    }
    progress.finish_and_clear();
    bench::compare_with_seq(&mut rows, setup.cores);

    if args.json {
        println!("{}", serde_json::to_string_pretty(&rows)?);
    } else {
        print_tables(args, &setup, &workloads, &rows);
    }
    if let Some(dir) = &args.svg {
        let drawn = write_svgs(args, &setup, dir, &workloads, &rows)?;
        for path in drawn.iter().flat_map(|(_, charts)| charts) {
            eprintln!("shootout: wrote {}", path.display());
        }
    }
    if let Some(file) = &args.html {
        write_html(args, &setup, file, &workloads, &rows)?;
    }
    Ok(())
}
// ANCHOR_END: shootout

/// The most jobs at once any download cell asks for (10 by default).
fn plan_workers(args: &Args) -> usize {
    args.workers.iter().copied().max().unwrap_or(10)
}

// ANCHOR: workloads
/// Expands `all` and removes duplicates, keeping the order given.
fn workloads(args: &[WorkloadArg]) -> Vec<Workload> {
    let mut out = Vec::new();
    for a in args {
        let add: &[Workload] = match a {
            WorkloadArg::Download => &[Workload::Download],
            WorkloadArg::Hash => &[Workload::Hash],
            WorkloadArg::SumSquares => &[Workload::SumSquares],
            WorkloadArg::All => {
                &[Workload::Download, Workload::Hash, Workload::SumSquares]
            }
        };
        for w in add {
            if !out.contains(w) {
                out.push(*w);
            }
        }
    }
    out
}
// ANCHOR_END: workloads

/// Writes the URL list and gathers everything the runs share.
fn setup(args: &Args, server: &Background, scratch: PathBuf) -> Result<Setup> {
    let pages: Vec<(String, String, usize)> = (0..args.urls)
        .map(|i| {
            let name = format!("page-{i:02}");
            let url = server.url(&format!("/pages/{name}?size={}", args.size));
            (url, name, args.size)
        })
        .collect();
    let url_file = scratch.join("urls.txt");
    let list: String =
        pages.iter().map(|(url, _, _)| format!("{url}\n")).collect();
    fs::write(&url_file, list).context("writing the URL list")?;
    Ok(Setup {
        url_file,
        pages,
        latency: Duration::from_millis(args.latency),
        tasks: args.tasks,
        rounds: args.rounds,
        base: args.base,
        repeat: args.repeat,
        cores: std::thread::available_parallelism().map_or(1, usize::from),
        scratch,
    })
}

// ANCHOR: expected_answers
/// What every CPU task must answer, computed here once, so a demo that
/// computes the wrong thing fast does not win.
fn expected_answers(
    setup: &Setup,
    workloads: &[Workload],
) -> Vec<(Workload, Vec<(String, String)>)> {
    workloads
        .iter()
        .filter(|w| w.is_cpu())
        .map(|&w| {
            let tasks = match w {
                Workload::Hash => {
                    shared::Task::hashes(setup.tasks, setup.rounds)
                }
                _ => shared::Task::sums(setup.tasks, setup.base),
            };
            let answers =
                tasks.iter().map(|t| (t.name(), t.compute())).collect();
            (w, answers)
        })
        .collect()
}
// ANCHOR_END: expected_answers

// ANCHOR: plan
/// Every (approach, workload, workers) cell to measure, in table order.
/// seq runs once per workload: its only sensible worker count is 1.
fn plan<'a>(
    args: &Args,
    setup: &Setup,
    approaches: &'a [approaches::Approach],
    workloads: &[Workload],
) -> Vec<(&'a approaches::Approach, Workload, usize)> {
    let mut cells = Vec::new();
    for &workload in workloads {
        let counts = worker_counts(args, setup, workload);
        for approach in approaches {
            if workload.is_cpu() && !approach.cpu {
                continue;
            }
            if approach.sequential {
                cells.push((approach, workload, 1));
            } else {
                cells.extend(counts.iter().map(|&n| (approach, workload, n)));
            }
        }
    }
    cells
}
// ANCHOR_END: plan

// ANCHOR: worker_counts
fn worker_counts(args: &Args, setup: &Setup, workload: Workload) -> Vec<usize> {
    if !args.workers.is_empty() {
        args.workers.clone()
    } else if workload.is_cpu() {
        vec![setup.cores]
    } else {
        vec![10]
    }
}
// ANCHOR_END: worker_counts

fn print_tables(
    args: &Args,
    setup: &Setup,
    workloads: &[Workload],
    rows: &[Row],
) {
    for &workload in workloads {
        let these: Vec<&Row> =
            rows.iter().filter(|r| r.workload == workload).collect();
        let title = title(args, setup, workload);
        println!("{}", report::table(&title, &these));
        let counts = worker_counts(args, setup, workload);
        if counts.len() > 1 {
            println!(
                "{}",
                report::sweep_chart(workload.name(), &these, &counts)
            );
        }
        if args.timeline {
            for row in &these {
                println!("{}", report::timeline(row, 64));
            }
        }
    }
}

/// The line above a workload's table: what ran, and what "ideal" means.
fn title(args: &Args, setup: &Setup, workload: Workload) -> String {
    match workload {
        Workload::Download => format!(
            "download: {} URLs x {:.1} KiB, latency {} ms (jitter {} ms, \
             fail-rate {}), median of {} runs; ideal = ceil(URLs / workers) \
             x latency",
            setup.pages.len(),
            args.size as f64 / 1024.0,
            args.latency,
            args.jitter,
            args.fail_rate,
            setup.repeat
        ),
        _ => format!(
            "{}: {} tasks ({}), {} cores, median of {} runs; ideal = seq / cores",
            workload.name(),
            setup.tasks,
            if workload == Workload::Hash {
                format!("{} rounds each", setup.rounds)
            } else {
                format!("n from {}", setup.base)
            },
            setup.cores,
            setup.repeat
        ),
    }
}

fn write_svgs(
    args: &Args,
    setup: &Setup,
    dir: &std::path::Path,
    workloads: &[Workload],
    rows: &[Row],
) -> Result<Vec<(Workload, Vec<PathBuf>)>> {
    fs::create_dir_all(dir)
        .with_context(|| format!("creating {}", dir.display()))?;
    let mut written = Vec::new();
    for &workload in workloads {
        let these: Vec<&Row> =
            rows.iter().filter(|r| r.workload == workload).collect();
        if these.is_empty() {
            continue;
        }
        let mut charts = vec![svg::comparison(dir, workload, &these)?];
        if worker_counts(args, setup, workload).len() > 1 {
            charts.push(svg::sweep(dir, workload, &these)?);
        }
        for row in &these {
            charts.push(svg::timeline(dir, row)?);
        }
        written.push((workload, charts));
    }
    Ok(written)
}

/// `--html FILE`: the tables and every chart on one self-contained page.
fn write_html(
    args: &Args,
    setup: &Setup,
    file: &std::path::Path,
    workloads: &[Workload],
    rows: &[Row],
) -> Result<()> {
    let charts = tempfile::tempdir().context("a folder for the charts")?;
    let drawn = write_svgs(args, setup, charts.path(), workloads, rows)?;
    let sections: Vec<html::Section<'_>> = drawn
        .into_iter()
        .map(|(workload, charts)| html::Section {
            title: title(args, setup, workload),
            rows: rows.iter().filter(|r| r.workload == workload).collect(),
            charts,
        })
        .collect();
    let command: Vec<String> = std::env::args().collect();
    let page = html::page(&command.join(" "), &sections)?;
    fs::write(file, page)
        .with_context(|| format!("writing {}", file.display()))?;
    eprintln!("shootout: wrote {}", file.display());
    Ok(())
}
