//! The workshop book (`book/`) cannot drift from the slide map or the code.
//!
//! - `book/src/SUMMARY.md` is generated from the README's slide map:
//!   `WORKSHOP_BLESS=1 cargo test -p workshop` rewrites it;
//! - every row has its page, and the page shows the row's title, includes
//!   each Rust and Python file of the row, shows the row's command, a run
//!   (an included output or a chart) and collapsed speaker notes;
//! - code is included, never pasted, through anchors rather than line
//!   numbers, and what is included is at most 80 columns wide, with no
//!   anchor line showing (mdBook shows them in a file included whole).
//!
//! What the browser shows is checked by the shootout's `book` test.

use std::fs;

use workshop::book::{
    BOOK_SRC, Chapter, files_under, include_path, includes, lines_in_blocks,
    resolve, slide_map, summary,
};
use workshop::{Workspace, section};

fn chapters(ws: &Workspace) -> Vec<Chapter> {
    let readme = fs::read_to_string(ws.root.join("README.md"))
        .expect("the workspace has a README.md");
    let (text, line) = section(&readme, "Slide map")
        .expect("README.md has a `## Slide map` section");
    slide_map(text, line).unwrap_or_else(|e| panic!("\n{e}\n"))
}

/// Every Markdown file of the book, from the workspace root.
pub fn book_pages(ws: &Workspace) -> Vec<String> {
    files_under(&ws.root.join(BOOK_SRC), "md")
        .iter()
        .map(|path| {
            let rel = path.strip_prefix(&ws.root).expect("under root");
            rel.to_string_lossy().replace('\\', "/")
        })
        .collect()
}

#[test]
fn the_summary_is_generated_from_the_slide_map() {
    let ws = Workspace::this();
    let want = summary(&chapters(&ws));
    let path = ws.root.join(BOOK_SRC).join("SUMMARY.md");
    if std::env::var_os("WORKSHOP_BLESS").is_some() {
        fs::write(&path, &want).expect("SUMMARY.md is writable");
        return;
    }
    let got = fs::read_to_string(&path).unwrap_or_default();
    assert!(
        got == want,
        "{} is not the slide map's table of contents; run \
         `WORKSHOP_BLESS=1 cargo test -p workshop` to rewrite it. \
         From the slide map:\n{want}",
        path.display()
    );
}

#[test]
fn every_row_of_the_slide_map_has_its_page() {
    let ws = Workspace::this();
    let chapters = chapters(&ws);
    let mut failures = Vec::new();
    let mut pages = 0;
    for chapter in &chapters {
        let index = chapter.index();
        match fs::read_to_string(ws.root.join(&index)) {
            Ok(text) if text.starts_with(&format!("# {}\n", chapter.title)) => {
            }
            Ok(_) => failures.push(format!(
                "{index}: does not start with `# {}`",
                chapter.title
            )),
            Err(e) => failures.push(format!("{index}: {e}")),
        }
        for page in &chapter.pages {
            pages += 1;
            let at = format!("{} (README.md:{})", page.path, page.line);
            let text = match fs::read_to_string(ws.root.join(&page.path)) {
                Ok(t) => t,
                Err(e) => {
                    failures.push(format!("{at}: {e}"));
                    continue;
                }
            };
            for problem in page_problems(&page.path, &text, page) {
                failures.push(format!("{at}: {problem}"));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}\n", failures.join("\n"));
    // Five talks and the rest, not an empty map.
    assert_eq!(chapters.len(), 6, "chapters: {chapters:#?}");
    assert!(pages >= 70, "only {pages} pages");
}

/// What a slide page is missing, given its row of the map.
fn page_problems(
    path: &str,
    text: &str,
    page: &workshop::book::Page,
) -> Vec<String> {
    let mut found = Vec::new();
    if !text.starts_with(&format!("# {}\n", page.title)) {
        found.push(format!("does not start with `# {}`", page.title));
    }
    let incs = includes(text);
    let included: Vec<String> = incs
        .iter()
        .map(|i| include_path(path, i).to_string_lossy().replace('\\', "/"))
        .collect();
    for file in &page.files {
        let code = file.ends_with(".rs") || file.ends_with(".py");
        if code && !included.iter().any(|i| i == file) {
            found.push(format!("does not {{{{#include}}}} {file}"));
        } else if !code && !text.contains(file.trim_end_matches('/')) {
            found.push(format!("does not name {file}"));
        }
    }
    if !incs
        .iter()
        .any(|i| i.block.as_deref().is_some_and(|b| b.starts_with("rust")))
        && page.files.iter().any(|f| f.ends_with(".rs"))
    {
        found.push("has no Rust code block".into());
    }
    let command_shown = text.lines().any(|l| {
        let l = l.trim().trim_start_matches("$ ");
        l == page.command
    });
    if !command_shown {
        found.push(format!("does not show `{}` on a line", page.command));
    }
    let shows_run = included.iter().any(|i| i.starts_with("book/runs/"))
        || text.contains("<img ")
        || text.contains("](../results/");
    if !shows_run {
        found.push(
            "shows no run: include its output from book/runs/ \
             (scripts/record) or show its chart"
                .into(),
        );
    }
    if !text.contains("<details class=\"speaker-notes\">") {
        found.push("has no `<details class=\"speaker-notes\">`".into());
    }
    found
}

#[test]
fn code_is_included_never_pasted_and_fits_80_columns() {
    let ws = Workspace::this();
    let mut failures = Vec::new();
    let mut checked = 0;
    for page in book_pages(&ws) {
        let text = fs::read_to_string(ws.root.join(&page)).expect("listed");
        failures.extend(pasted_code(&page, &text));
        for inc in includes(&text) {
            let at = format!("{page}:{}", inc.line);
            let shown = match resolve(&ws.root, &page, &inc) {
                Ok(s) => s,
                Err(e) => {
                    failures.push(format!("{at}: {e}"));
                    continue;
                }
            };
            checked += 1;
            let file = include_path(&page, &inc);
            // A recorded run is what a program printed, not code.
            if file.starts_with("book/runs") {
                continue;
            }
            for (n, line) in shown.lines().enumerate() {
                if line.contains("ANCHOR:") || line.contains("ANCHOR_END:") {
                    failures.push(format!(
                        "{at}: {} is included whole, so the page shows its \
                         anchor line {:?}: include the part by its anchor",
                        file.display(),
                        line.trim()
                    ));
                }
                let width = line.chars().count();
                if width > 80 {
                    failures.push(format!(
                        "{at}: line {} of what {} includes is {width} \
                         columns wide (at most 80, for the projector): \
                         {line}",
                        n + 1,
                        file.display()
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "\n{}\n", failures.join("\n"));
    assert!(checked >= 100, "only {checked} includes");
}

/// Code blocks that hold anything but includes: only commands (`sh`,
/// `console`) may be written on the page itself.
fn pasted_code(page: &str, text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (n, block, line) in lines_in_blocks(text) {
        let trimmed = line.trim();
        let Some(lang) = &block else { continue };
        let commands = ["sh", "bash", "console", "shell"]
            .iter()
            .any(|c| lang.split(',').next() == Some(*c));
        let include = trimmed.starts_with("{{#include ")
            || trimmed.starts_with("{{#rustdoc_include ");
        if !commands && !include && !trimmed.is_empty() {
            found.push(format!(
                "{page}:{n}: a `{lang}` block with pasted text (use \
                 {{{{#include FILE:ANCHOR}}}}; only `sh` blocks of \
                 commands are written on the page): {trimmed}"
            ));
        }
    }
    found
}

#[test]
fn the_checks_catch_a_pasted_block_and_a_missing_page_part() {
    let pasted = pasted_code("p.md", "```rust\nfn main() {}\n```\n");
    assert_eq!(pasted.len(), 1, "{pasted:?}");
    let fine = pasted_code(
        "p.md",
        "```rust\n{{#include ../a.rs:x}}\n```\n```sh\ncargo run\n```\n",
    );
    assert!(fine.is_empty(), "{fine:?}");
    let page = workshop::book::Page {
        title: "Daemons".into(),
        path: "book/src/talk-01/daemons.md".into(),
        files: vec!["crates/seq/src/main.rs".into()],
        command: "cargo run -p seq-demo".into(),
        line: 1,
    };
    let problems = page_problems(&page.path, "# Other\n", &page);
    for want in [
        "does not start with `# Daemons`",
        "does not {{#include}} crates/seq/src/main.rs",
        "has no Rust code block",
        "does not show `cargo run -p seq-demo`",
        "shows no run",
        "has no `<details",
    ] {
        assert!(
            problems.iter().any(|p| p.starts_with(want)),
            "{want:?} not among {problems:#?}"
        );
    }
}
