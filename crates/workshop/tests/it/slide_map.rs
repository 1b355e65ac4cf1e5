//! The root README's slide map cannot rot.
//!
//! The map (`## Slide map` in README.md) pairs each slide of the five talks
//! with the Rust file that retells it and the command that runs it. This
//! test reads it and checks that every file it names exists, that every
//! command names a real package and example, that all five talks are
//! there, and that no demo's example or `src/main.rs` is missing from it:
//! add an example, and this test asks you to put it on the map. Run with
//! `cargo test -p workshop`.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use workshop::{Workspace, mentions, problems, section, snippets};

/// The packages whose examples and `src/main.rs` retell the talks.
const DEMOS: [&str; 8] = [
    "seq-demo",
    "threaded-queue-demo",
    "thread-pool-demo",
    "multiprocess-demo",
    "tokio-demo",
    "async-std-demo",
    "smol-demo",
    "pipeline-demo",
];

/// A code span naming a file or folder of the workspace, rather than a
/// command or an identifier: a relative path with no spaces.
fn is_path(text: &str) -> bool {
    let roots = ["crates/", "shared/", "scripts/", ".ci/"];
    !text.contains(' ')
        && (roots.iter().any(|r| text.starts_with(r))
            || text == "urls.txt"
            || text == "books.txt")
}

struct Map {
    paths: BTreeSet<String>,
    examples: BTreeSet<(String, String)>,
}

/// Reads the map and checks each entry, panicking with every problem
/// found (file:line and what is wrong).
fn read_map(ws: &Workspace) -> Map {
    let readme = fs::read_to_string(ws.root.join("README.md"))
        .expect("the workspace has a README.md");
    let (text, first_line) = section(&readme, "Slide map")
        .expect("README.md has a `## Slide map` section");
    for talk in 1..=5 {
        let heading = format!("### Talk 0{talk}");
        assert!(
            text.lines().any(|l| l.starts_with(&heading)),
            "the slide map has no `{heading}` section"
        );
    }
    let mut failures = Vec::new();
    let mut map = Map {
        paths: BTreeSet::new(),
        examples: BTreeSet::new(),
    };
    for snippet in snippets(text) {
        let line = first_line + snippet.line - 1;
        let code = snippet.text.trim();
        if is_path(code) {
            if !ws.root.join(code).exists() {
                failures.push(format!("README.md:{line}: no file {code}"));
            }
            map.paths.insert(code.trim_end_matches('/').to_owned());
            continue;
        }
        for problem in problems(ws, Path::new(""), code) {
            failures.push(format!("README.md:{line}: `{code}`: {problem}"));
        }
        let m = mentions(code);
        for p in &m.packages {
            for e in &m.examples {
                map.examples.insert((p.clone(), e.clone()));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}\n", failures.join("\n"));
    map
}

#[test]
fn every_file_and_command_in_the_slide_map_exists() {
    let ws = Workspace::this();
    let map = read_map(&ws);
    // It is a map of five talks, not an empty section.
    assert!(map.paths.len() >= 25, "only {} files", map.paths.len());
    assert!(
        map.examples.len() >= 30,
        "only {} examples",
        map.examples.len()
    );
}

#[test]
fn every_demo_example_and_main_is_on_the_map() {
    let ws = Workspace::this();
    let map = read_map(&ws);
    let mut missing = Vec::new();
    for name in DEMOS {
        // A demo still being written is not required yet; once its
        // package exists, it is.
        let Some(package) = ws.packages.get(name) else {
            continue;
        };
        let main = package.dir.join("src/main.rs");
        let main = main.to_string_lossy().into_owned();
        if !map.paths.contains(&main) {
            missing.push(format!("{main} (as `{main}`)"));
        }
        for example in &package.examples {
            if !map.examples.contains(&(name.to_owned(), example.clone())) {
                missing.push(format!(
                    "example {example} (as `cargo run -p {name} --example \
                     {example}`)"
                ));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "not on the README's slide map; add a row under its slide:\n{}",
        missing.join("\n")
    );
}
