//! `cargo run -p seq-demo`: talk 01's "Sequential Approach", one by one.
//! Each demo is this file with its approach in place of the loops below:
//! compare them with `diff crates/seq/src/main.rs crates/X/src/main.rs`.
//! Start `cargo run -p demo-server` in another terminal first.

use std::path::Path;
use std::process::ExitCode;

use cli_report::{Demo, Downloads, Job, Report, Tasks};
use shared::{Session, get_url_content};
use shared::{filename_for_url, write_to_file};

fn main() -> ExitCode {
    // Parse the one CLI, read urls.txt, start the clock and the report.
    let (job, report) = cli_report::start(Demo {
        name: "seq-demo",
        unit: "worker",
        download_workers: Some(1), // one thing at a time, always:
        cpu_workers: Some(1),
        sequential: true, // --workers must be 1
    });
    // Ctrl-C: report what finished and exit 130, mid-download or not.
    report.exit_on_ctrl_c();
    match job {
        Job::Download(job) => download_all(&job, &report),
        Job::Compute(job) => compute_all(&job, &report),
    }
    report.finish()
}

/// The slide's `for url in urls: do_work(url)`, on one pooled `Session`.
fn download_all(job: &Downloads, report: &Report) {
    let session = Session::new(&job.http);
    for url in &job.urls {
        report.track(url, || do_work(&session, url, &job.out));
    }
}

/// One URL: the talk's `do_work(url)`. Returns the bytes saved.
fn do_work(
    session: &Session,
    url: &str,
    folder: &Path,
) -> shared::Result<usize> {
    let content = get_url_content(session, url)?;
    let filename = filename_for_url(url, folder);
    write_to_file(&filename, &content)?;
    Ok(content.len())
}

/// The CPU job one task at a time (`calc_them_all`, `find_sums`): the baseline.
fn compute_all(job: &Tasks, report: &Report) {
    for task in &job.tasks {
        report.track(&task.name(), || Ok(task.compute()));
    }
}
