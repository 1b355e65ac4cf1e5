//! Every command in every README names things that exist.
//!
//! An attendee copies commands out of the READMEs; a renamed example or
//! package must fail here, not in front of a room. For each README.md
//! (the root's, each crate's), every code-block line and inline code span
//! that is a `cargo ...`, `scripts/...`, `diff A B`, `bash FILE` or
//! `target/.../NAME` command is checked: `-p PKG` is a workspace package,
//! `--example NAME` / `--bin NAME` is a target of that package, a built
//! `target/release/NAME` is some package's binary or example, and a file
//! it runs or compares exists. Running them is the CI script's job
//! (`.ci/run` runs the cheap ones). Run with `cargo test -p workshop`.

use std::fs;
use std::path::Path;

use workshop::{Workspace, mentions, problems, snippets};

#[test]
fn every_readme_command_names_real_packages_examples_and_files() {
    let ws = Workspace::this();
    let mut failures = Vec::new();
    let mut cargo_commands = 0;
    let mut with_example = 0;
    let mut readmes = 0;
    // The book's pages are read the same way: an attendee copies from
    // the projector too.
    let pages = crate::book::book_pages(&ws).into_iter().map(Into::into);
    for readme in ws.readmes().into_iter().chain(pages) {
        readmes += 1;
        let text = fs::read_to_string(ws.root.join(&readme))
            .expect("readmes() lists files that exist");
        let base = readme.parent().unwrap_or(Path::new(""));
        for snippet in snippets(&text) {
            let command = snippet.text.trim();
            let m = mentions(command);
            if !m.packages.is_empty() {
                cargo_commands += 1;
            }
            with_example += m.examples.len();
            for problem in problems(&ws, base, command) {
                failures.push(format!(
                    "{}:{}: `{command}`: {problem}",
                    readme.display(),
                    snippet.line
                ));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}\n", failures.join("\n"));
    // The check found what it is there to check (so it cannot pass by
    // reading nothing): the READMEs are full of such commands.
    assert!(readmes >= 8, "only {readmes} READMEs found");
    assert!(
        cargo_commands >= 50,
        "only {cargo_commands} cargo -p commands"
    );
    assert!(with_example >= 20, "only {with_example} --example commands");
}

#[test]
fn a_wrong_name_is_caught() {
    let ws = Workspace::this();
    let root = Path::new("");
    assert!(problems(&ws, root, "cargo run -p seq-demo").is_empty());
    assert!(
        problems(
            &ws,
            root,
            "cargo run --release -p seq-demo --example s02-one-session"
        )
        .is_empty()
    );
    let cases = [
        (
            "cargo run -p sequential-demo",
            "no package \"sequential-demo\"",
        ),
        (
            "cargo run -p seq-demo --example s02-session",
            "no example \"s02-session\" in seq-demo",
        ),
        // The example exists, but in another package.
        (
            "cargo run -p seq-demo --example s03-gather",
            "no example \"s03-gather\" in seq-demo",
        ),
        (
            "target/release/examples/s99-nothing urls.txt",
            "no package has an example \"s99-nothing\"",
        ),
        ("target/release/nobody-demo", "no package builds a binary"),
        (
            "scripts/nothing-here --help",
            "no file scripts/nothing-here",
        ),
        (
            "diff crates/seq/src/main.rs crates/gone/src/main.rs",
            "no file crates/gone/src/main.rs",
        ),
    ];
    for (command, expected) in cases {
        let found = problems(&ws, root, command);
        assert!(
            found.iter().any(|p| p.contains(expected)),
            "`{command}`: expected {expected:?}, got {found:?}"
        );
    }
}

#[test]
fn the_workspace_is_read_like_cargo_reads_it() {
    let ws = Workspace::this();
    let seq = &ws.packages["seq-demo"];
    assert_eq!(seq.dir, Path::new("crates/seq"));
    assert!(seq.bins.contains("seq-demo"));
    assert!(seq.examples.contains("s01-new-connection-each-time"));
    assert!(ws.packages.contains_key("shared"));
    assert!(ws.packages.contains_key("workshop"));
    assert!(ws.readmes().contains(&"README.md".into()));
}
