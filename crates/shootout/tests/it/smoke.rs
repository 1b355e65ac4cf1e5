//! The shootout end to end on a tiny workload: every approach in this
//! checkout gets a row, every file and answer is verified, `--json` has the
//! documented fields, and `--svg` writes well-formed SVG with one bar per
//! approach. No time is asserted.
//!
//! It runs the demo binaries this cargo invocation built
//! (`cargo test --workspace` builds every package's binaries before any
//! test runs) with `--bin-dir`, beside the shootout's own binary, so
//! nothing is built twice and no test runs cargo. On its own,
//! `cargo build --bins && cargo test -p shootout`.

use std::path::Path;

const BIN: &str = env!("CARGO_BIN_EXE_shootout");

/// The approaches present in this checkout (the shootout runs whichever
/// exist).
pub(crate) fn approaches() -> Vec<&'static str> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    [
        "seq",
        "threaded-queue",
        "thread-pool",
        "multiprocess",
        "tokio",
        "async-std",
        "smol",
        "cluster",
    ]
    .into_iter()
    .filter(|a| root.join("crates").join(a).join("Cargo.toml").exists())
    // Without redis-server the cluster row is skipped, with a note.
    .filter(|a| {
        *a != "cluster" || cluster_demo::LocalBroker::program().is_some()
    })
    .collect()
}

#[test]
fn tiny_shootout_verifies_every_approach() {
    let svg_dir = tempfile::tempdir().unwrap();
    let html = svg_dir.path().join("report.html");
    // The folder cargo put this test's binaries in: the demos' too. The
    // numbers do not matter here (debug builds), only that every row is
    // complete.
    let bin_dir = Path::new(BIN).parent().expect("a binary is in a folder");
    let output = testkit::command(BIN)
        .arg("--bin-dir")
        .arg(bin_dir)
        .args([
            "--urls",
            "3",
            "--latency",
            "10",
            "--repeat",
            "1",
            // No --workload: the default covers all three.
            "--tasks",
            "2",
            "--rounds",
            "1000",
            "--base",
            "1000",
            "--workers",
            "2",
            "--json",
            "--html",
        ])
        .arg(&html)
        .arg("--svg")
        .arg(svg_dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "shootout --bin-dir {} failed (if a demo binary is missing, this \
         cargo invocation did not build it: `cargo test --workspace`, or \
         `cargo build --bins` first):\n{stderr}",
        bin_dir.display()
    );

    let rows: Vec<serde_json::Value> =
        serde_json::from_slice(&output.stdout).expect("--json is a JSON array");
    let expected = approaches();
    for workload in ["download", "hash", "sum-squares"] {
        let these: Vec<&serde_json::Value> =
            rows.iter().filter(|r| r["workload"] == workload).collect();
        let names: Vec<&str> = these
            .iter()
            .map(|r| r["approach"].as_str().unwrap())
            .collect();
        assert_eq!(names, expected, "{workload}: one row per approach");
        for row in these {
            for field in [
                "workers",
                "seconds",
                "median",
                "speedup",
                "ideal",
                "efficiency",
                "peak_in_flight",
                "verified",
                "total",
                "peak_rss_kib",
            ] {
                // Windows does not report a child's peak memory: null there.
                if field == "peak_rss_kib" && cfg!(windows) {
                    assert!(row[field].is_null(), "{row}: {field} on Windows");
                    continue;
                }
                assert!(!row[field].is_null(), "{row}: missing {field}");
            }
            let total = if workload == "download" { 3 } else { 2 };
            assert_eq!(row["total"], total, "{row}");
            assert_eq!(row["verified"], total, "{row}");
            assert!(row["note"].is_null(), "{row}");
        }
    }

    // Well-formed SVG, and the comparison has one bar per approach.
    for workload in ["download", "hash"] {
        let path = svg_dir.path().join(format!("{workload}-comparison.svg"));
        let text = std::fs::read_to_string(&path).unwrap();
        let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| {
            panic!("{}: not well-formed: {e}", path.display())
        });
        let bar_colour = if workload == "download" {
            "#9EC5E8"
        } else {
            "#E88A3A"
        };
        let bars = doc
            .descendants()
            .filter(|n| n.has_tag_name("rect"))
            .filter(|n| n.attribute("fill") == Some(bar_colour))
            .count();
        assert_eq!(bars, expected.len(), "{}", path.display());
        for approach in &expected {
            let workers = if *approach == "seq" { 1 } else { 2 };
            let timeline = svg_dir
                .path()
                .join(format!("{workload}-timeline-{approach}-x{workers}.svg"));
            let text = std::fs::read_to_string(&timeline)
                .unwrap_or_else(|e| panic!("{}: {e}", timeline.display()));
            roxmltree::Document::parse(&text).unwrap();
        }
    }

    // The page for the projector: a row per approach in each table, every
    // chart inlined, nothing to fetch.
    let page = std::fs::read_to_string(&html)
        .unwrap_or_else(|e| panic!("--html {}: {e}", html.display()));
    for workload in ["download", "hash", "sum-squares"] {
        assert!(page.contains(&format!("<h2>{workload}: ")), "{workload}");
    }
    for approach in &expected {
        let workers = if *approach == "seq" { 1 } else { 2 };
        let row = format!("<tr><td>{approach}</td><td>{workers}</td>");
        assert_eq!(page.matches(&row).count(), 3, "--html: {row} per table");
    }
    let charts = std::fs::read_dir(svg_dir.path())
        .unwrap()
        .filter(|e| {
            e.as_ref().unwrap().path().extension() == Some("svg".as_ref())
        })
        .count();
    assert_eq!(page.matches("<svg").count(), charts, "--html inlines each");
    for fetch in ["src=", "href=", "<script", "<link", "@import", "url("] {
        assert!(!page.contains(fetch), "--html fetches something: {fetch}");
    }
}
