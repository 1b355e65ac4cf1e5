//! `cargo run -p cluster-demo`: beyond the talks, more than one machine
//! (talk 02's last slide: Celery). multiprocess-demo with a broker in
//! place of the pipes: compare them with `scripts/diff multiprocess
//! cluster`. Start a broker (`scripts/broker`), one or more workers
//! (`cluster-demo worker --broker URL`, on any host), and
//! `cargo run -p demo-server` in other terminals first.

mod broker;
mod queue;
mod wire;
mod worker;

use std::path::Path;
use std::process::ExitCode;

use broker::Broker;
use cli_report::{Demo, Downloads, Job, Report, Tasks};
use shared::{Session, get_url_content};
use shared::{filename_for_url, write_to_file};
use wire::Item;

fn main() -> ExitCode {
    // A worker: this same executable, started by hand (`cluster-demo
    // worker`) on any host that reaches the broker. Each thread makes its
    // Session once, then runs what the queue holds until Ctrl-C.
    if worker::is_worker() {
        return worker::main(do_work, |task| Ok(task.compute()));
    }
    // Parse the one CLI (plus --broker), read urls.txt, start the clock.
    let (job, report, flags) = cli_report::start_with(
        Demo {
            name: "cluster-demo",
            unit: "queued job",
            download_workers: None, // every URL on the queue at once
            cpu_workers: None,      // one per core of this machine
            sequential: false,
        },
        [queue::broker_flag()],
    );
    // No broker, no work: exit 2 now, with how to start one.
    let url =
        broker::url(flags.get_one::<String>("broker").map(String::as_str));
    let broker = Broker::connect_or_exit(report.name(), &url);
    // Ctrl-C: take our waiting jobs off the queue; then report and exit.
    report.exit_on_ctrl_c();
    match job {
        Job::Download(job) => download_all(&job, &report, &broker),
        Job::Compute(job) => compute_all(&job, &report, &broker),
    }
    report.finish()
}

/// The slide's `do_work.delay(url)` for every URL, then each result:
/// each URL crosses the broker to whichever worker is free, which runs
/// `do_work` and sends the body back; it is saved here.
fn download_all(job: &Downloads, report: &Report, broker: &Broker) {
    let urls = job.urls.iter().map(|url| Item::Download(url.clone()));
    let limits = Some(job.http.clone()); // travels with every job
    let save = |url: &str, body: &[u8]| save(url, body, &job.out);
    queue::map(report, broker, job.workers, limits, urls.collect(), save);
}

/// One URL, in a worker process on any host: the talk's `do_work(url)`,
/// up to the download. The body goes back through the broker: the
/// worker's disk is not ours.
fn do_work(session: &Session, url: &str) -> shared::Result<Vec<u8>> {
    get_url_content(session, url)
}

/// The other half of `do_work`, on this machine: save what came back.
fn save(url: &str, content: &[u8], folder: &Path) -> shared::Result<usize> {
    let filename = filename_for_url(url, folder);
    write_to_file(&filename, content)?;
    Ok(content.len())
}

/// Talk 05's `Pool(cpu_count()).map(cpu_bound, inputs)`, over the broker.
fn compute_all(job: &Tasks, report: &Report, broker: &Broker) {
    let tasks = job.tasks.iter().map(|task| Item::Compute(task.clone()));
    let nothing_to_save = |_: &str, _: &[u8]| Ok(0);
    queue::map(
        report,
        broker,
        job.workers,
        None,
        tasks.collect(),
        nothing_to_save,
    );
}
