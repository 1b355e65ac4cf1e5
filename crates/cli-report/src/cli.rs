//! The one command line every demo shares (clap derive).
//!
//! ```text
//! <demo> [download] [--urls FILE] [--out DIR] [--workers N] [--timeout SECS]
//!                   [--max-bytes N] [--trace FILE] [--json]
//! <demo> hash        [--tasks 20] [--rounds 500000] [--workers N] [--json]
//! <demo> sum-squares [--tasks 20] [--base 50000000] [--workers N] [--json]
//! ```

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Download the URLs in a file and save each body, or run a CPU-bound job,
/// with one concurrency approach.
#[derive(Debug, Parser)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// What to run; `download` when left out.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Flags of `download`, so `<demo> --urls x.txt` works without the word.
    #[command(flatten)]
    pub download: DownloadArgs,
}

/// The three workloads.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Download every URL and save each body to --out (the default).
    Download(DownloadArgs),
    /// Talk 02's CPU job: chains of SHA-256 (`hash_me`).
    Hash(HashArgs),
    /// Talk 04's CPU job: `sum(i * i for i in range(n))`.
    SumSquares(SumArgs),
}

/// Flags of `download`.
#[derive(Clone, Debug, Args)]
pub struct DownloadArgs {
    /// File with one URL per line (`#` comments and blank lines skipped).
    #[arg(long, value_name = "FILE", default_value = "urls.txt")]
    pub urls: PathBuf,
    /// Folder the bodies are saved in (created if missing).
    #[arg(long, value_name = "DIR", default_value = "downloads")]
    pub out: PathBuf,
    /// Give up on one URL after this many seconds (whole request).
    #[arg(long, value_name = "SECS", default_value_t = 30.0)]
    pub timeout: f64,
    /// Largest body accepted, in bytes (suffixes K, M, G allowed: 64M).
    #[arg(long, value_name = "N", default_value = "64M",
          value_parser = parse_size)]
    pub max_bytes: u64,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub common: Common,
}

/// Flags of `hash`.
#[derive(Clone, Debug, Args)]
pub struct HashArgs {
    /// Number of independent hash chains.
    #[arg(long, default_value_t = 20)]
    pub tasks: u64,
    /// Length of each chain.
    #[arg(long, default_value_t = 500_000)]
    pub rounds: u64,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub common: Common,
}

/// Flags of `sum-squares`.
#[derive(Clone, Debug, Args)]
pub struct SumArgs {
    /// Number of sums; task x sums the squares below `base + x`.
    #[arg(long, default_value_t = 20)]
    pub tasks: u64,
    /// The smallest n. Talk 04 sums below 5,000,000 + x; Rust does one of
    /// those in about 3 ms, so the whole run would be start-up. Ten times
    /// the talk's n makes each task about 20 ms, and the comparison
    /// between approaches readable; `--base 5000000` is the talk's.
    #[arg(long, default_value_t = 50_000_000)]
    pub base: u64,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub common: Common,
}

/// Flags every workload has.
#[derive(Clone, Debug, Args)]
pub struct Common {
    /// How many things at once (threads, processes or tasks); each demo
    /// has its own default.
    #[arg(long, value_name = "N",
          value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub workers: Option<u64>,
    /// Print one JSON object instead of the human summary.
    #[arg(long)]
    pub json: bool,
    /// Write one JSON line per item (worker, start, end, bytes, ok) here.
    #[arg(long, value_name = "FILE")]
    pub trace: Option<PathBuf>,
}

/// Parses `64M`, `512K`, `1G` or a plain number of bytes (binary units).
fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    let number: u64 = digits
        .parse()
        .map_err(|_| format!("{text:?} is not a size like 64M or 1048576"))?;
    let scale: u64 = match unit.to_ascii_uppercase().as_str() {
        "" | "B" => 1,
        "K" | "KB" | "KIB" => 1 << 10,
        "M" | "MB" | "MIB" => 1 << 20,
        "G" | "GB" | "GIB" => 1 << 30,
        _ => return Err(format!("unknown size unit {unit:?} (use K, M or G)")),
    };
    number
        .checked_mul(scale)
        .ok_or_else(|| format!("{text:?} is too large"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn download_is_the_default() {
        let cli = Cli::try_parse_from(["demo", "--urls", "x.txt"]).unwrap();
        assert!(cli.command.is_none());
        assert_eq!(cli.download.urls, PathBuf::from("x.txt"));
        assert_eq!(cli.download.out, PathBuf::from("downloads"));
        assert_eq!(cli.download.max_bytes, 64 << 20);

        let cli =
            Cli::try_parse_from(["demo", "hash", "--tasks", "3"]).unwrap();
        assert!(matches!(
            cli.command,
            Some(Command::Hash(HashArgs {
                tasks: 3,
                rounds: 500_000,
                ..
            }))
        ));
    }

    #[test]
    fn sizes_parse() {
        assert_eq!(parse_size("1048576"), Ok(1 << 20));
        assert_eq!(parse_size("10M"), Ok(10 << 20));
        assert_eq!(parse_size("2k"), Ok(2048));
        assert!(parse_size("ten").is_err());
        assert!(parse_size("5X").is_err());
        assert!(Cli::try_parse_from(["demo", "--workers", "0"]).is_err());
    }
}
