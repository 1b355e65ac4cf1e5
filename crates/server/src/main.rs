//! `demo-server`: the workshop's local "Internet", from the command line.
//!
//! Run: `cargo run --release -p demo-server -- --latency 100`
//! (options: `--help`). It prints one line with its base URL, e.g.
//! `demo-server listening on http://127.0.0.1:8000 (latency 100 ms, ...)`,
//! which scripts parse, and stops on Ctrl-C (or SIGTERM). All the work is in
//! the library; this file only turns options into a `Config`.

use std::net::ToSocketAddrs;
use std::{
    io::Write, num::NonZeroUsize, path::PathBuf, process::ExitCode,
    time::Duration,
};

use clap::Parser;
use demo_server::{Config, serve};

// ANCHOR: args
/// The workshop's local "Internet": deterministic pages behind simulated
/// latency, with counters at /stats.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// TCP port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 8000)]
    port: u16,
    /// Address to listen on. Loopback by default: the server is for this
    /// machine's demos, not the network.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Simulated latency before each answer, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 100)]
    latency: u64,
    /// Each latency varies uniformly by up to ± this many milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    jitter: u64,
    /// Fraction (0 to 1) of /pages/ requests answered 500 on purpose.
    #[arg(long, value_name = "F", default_value_t = 0.0,
          value_parser = parse_fraction)]
    fail_rate: f64,
    /// Handle at most N requests at once; the others wait their turn.
    #[arg(long, value_name = "N")]
    max_concurrency: Option<NonZeroUsize>,
    /// Serve this folder's files under /static/, and its N.jpg files at
    /// /N.jpg in place of the generated cats (talk 02's nginx volume).
    #[arg(long, value_name = "PATH")]
    dir: Option<PathBuf>,
}
// ANCHOR_END: args

/// Exit code for "cannot start" (port taken, bad folder): scripts can tell
/// it apart from a crash (101) or a clap usage error (also 2, same cause).
const CANNOT_START: u8 = 2;

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    // One file descriptor per connection: 10,000 clients at once need
    // more than the usual soft limit of 1,024, so lift it to the hard one
    // (a no-op where it is already high enough; if that fails the server
    // still runs, and axum retries an accept that hit the limit).
    let _ = rlimit::increase_nofile_limit(u64::MAX);
    if let Some(dir) = &args.dir
        && !dir.is_dir()
    {
        eprintln!("demo-server: --dir {} is not a folder", dir.display());
        return ExitCode::from(CANNOT_START);
    }
    let config = Config {
        latency: Duration::from_millis(args.latency),
        jitter: Duration::from_millis(args.jitter),
        fail_rate: args.fail_rate,
        max_concurrency: args.max_concurrency.map(NonZeroUsize::get),
        dir: args.dir,
    };

    let bound = (args.host.as_str(), args.port)
        .to_socket_addrs()
        .and_then(|mut addrs| {
            addrs.next().ok_or_else(|| {
                std::io::Error::new(std::io::ErrorKind::NotFound, "no address")
            })
        })
        .and_then(demo_server::bind)
        .and_then(tokio::net::TcpListener::from_std);
    let listener = match bound {
        Ok(listener) => listener,
        Err(err) => {
            let host = if args.host.contains(':') {
                format!("[{}]", args.host) // an IPv6 address
            } else {
                args.host
            };
            eprintln!(
                "demo-server: cannot listen on {host}:{}: {err}",
                args.port
            );
            return ExitCode::from(CANNOT_START);
        }
    };
    let addr = match listener.local_addr() {
        Ok(addr) => addr,
        Err(err) => {
            eprintln!("demo-server: cannot read the bound address: {err}");
            return ExitCode::from(CANNOT_START);
        }
    };

    println!(
        "demo-server listening on http://{addr} ({})",
        describe(&config)
    );
    // Scripts wait for this line through a pipe: make sure it leaves now.
    let _ = std::io::stdout().flush();

    match serve(listener, config, shutdown_signal()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("demo-server: {err}");
            ExitCode::FAILURE
        }
    }
}

/// The settings, for the start-up line.
fn describe(config: &Config) -> String {
    let mut text = format!(
        "latency {} ms, jitter {} ms, fail-rate {}",
        config.latency.as_millis(),
        config.jitter.as_millis(),
        config.fail_rate
    );
    if let Some(n) = config.max_concurrency {
        text += &format!(", max-concurrency {n}");
    }
    if let Some(dir) = &config.dir {
        text += &format!(", static {}", dir.display());
    }
    text
}

/// Parses `--fail-rate`: a number in 0..=1.
fn parse_fraction(text: &str) -> Result<f64, String> {
    let value: f64 = text.parse().map_err(|e| format!("{e}"))?;
    if (0.0..=1.0).contains(&value) {
        Ok(value)
    } else {
        Err(format!("{value} is not between 0 and 1"))
    }
}

/// Completes on Ctrl-C, or on SIGTERM on unix (what `kill` and CI send).
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            // Without the handler, wait for SIGTERM (or a kill) instead of
            // shutting down at once.
            eprintln!("demo-server: cannot listen for Ctrl-C: {err}");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut sigterm) => {
                sigterm.recv().await;
            }
            Err(err) => {
                eprintln!("demo-server: cannot listen for SIGTERM: {err}");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();

    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    eprintln!("demo-server: shutting down");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fail_rate_must_be_a_fraction() {
        assert_eq!(parse_fraction("0.25"), Ok(0.25));
        assert_eq!(parse_fraction("1"), Ok(1.0));
        assert!(parse_fraction("1.5").is_err());
        assert!(parse_fraction("-0.1").is_err());
        assert!(parse_fraction("NaN").is_err());
        assert!(parse_fraction("lots").is_err());
    }

    #[test]
    fn options_parse() {
        let args = Args::try_parse_from([
            "demo-server",
            "--port",
            "0",
            "--max-concurrency",
            "3",
        ])
        .expect("these options are valid");
        assert_eq!(args.port, 0);
        assert_eq!(args.latency, 100);
        assert_eq!(args.max_concurrency.map(NonZeroUsize::get), Some(3));
        assert!(
            Args::try_parse_from(["demo-server", "--max-concurrency", "0"])
                .is_err()
        );
    }
}
