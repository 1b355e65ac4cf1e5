//! The workshop book (`book/`): its pages come from the README's slide
//! map, and its code from the crates.
//!
//! The slide map is the one source: each row's first cell links to the
//! row's page, and `book/src/SUMMARY.md` (mdBook's table of contents) is
//! generated from the map by [`summary`]. A page shows its code through
//! mdBook's `{{#include FILE}}` or `{{#include FILE:ANCHOR}}`, never
//! pasted, so [`includes`] and [`resolve`] read those directives the way
//! mdBook does, for the tests to check what a page will show.

use std::fs;
use std::path::{Component, Path, PathBuf};

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// Where the book's Markdown lives, from the workspace root.
pub const BOOK_SRC: &str = "book/src";

/// One talk (or "Beyond the talks") of the slide map: a chapter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chapter {
    /// The `###` heading, e.g. `Talk 01: Parallelism Shootout (...)`.
    pub title: String,
    /// Its folder under `book/src`: `talk-01`, ..., `beyond`.
    pub dir: String,
    /// Its rows, in order.
    pub pages: Vec<Page>,
}

/// One row of the slide map: a page of the book.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page {
    /// The link text of the row's first cell: the page's title.
    pub title: String,
    /// The link target, from the workspace root
    /// (`book/src/talk-01/daemons.md`).
    pub path: String,
    /// The files of the "Rust" cell, from the workspace root.
    pub files: Vec<String>,
    /// The command of the "Run" cell (its first code span).
    pub command: String,
    /// The README's line of the row (1-based).
    pub line: usize,
}

impl Chapter {
    /// The chapter's own page: `book/src/<dir>/index.md`.
    pub fn index(&self) -> String {
        format!("{BOOK_SRC}/{}/index.md", self.dir)
    }
}

/// Reads the slide map: the `### ...` headings of `section` (the text
/// under `## Slide map`) and their tables. `first_line` is the README's
/// line where `section` starts, for messages.
pub fn slide_map(
    section: &str,
    first_line: usize,
) -> Result<Vec<Chapter>, String> {
    let line_of =
        |offset: usize| first_line + section[..offset].matches('\n').count();
    let mut chapters: Vec<Chapter> = Vec::new();
    let mut heading: Option<String> = None;
    let mut cell: Option<Cell> = None;
    let mut row: Vec<Cell> = Vec::new();
    let mut in_head = false;
    let mut errors = Vec::new();
    let parser = Parser::new_ext(section, Options::ENABLE_TABLES);
    for (event, range) in parser.into_offset_iter() {
        match event {
            Event::Start(Tag::Heading {
                level: HeadingLevel::H3,
                ..
            }) => heading = Some(String::new()),
            Event::End(TagEnd::Heading(HeadingLevel::H3)) => {
                let title = heading.take().unwrap_or_default();
                match chapter_dir(&title) {
                    Some(dir) => chapters.push(Chapter {
                        title,
                        dir,
                        pages: Vec::new(),
                    }),
                    None => errors.push(format!(
                        "README.md:{}: `### {title}` is neither \
                         `Talk 0N: ...` nor `Beyond the talks`",
                        line_of(range.start)
                    )),
                }
            }
            Event::Text(t) | Event::Code(t) if heading.is_some() => {
                heading.as_mut().expect("checked").push_str(&t);
            }
            Event::Start(Tag::TableHead) => in_head = true,
            Event::End(TagEnd::TableHead) => in_head = false,
            Event::Start(Tag::TableCell) if !in_head => {
                cell = Some(Cell::default());
            }
            Event::End(TagEnd::TableCell) if !in_head => {
                row.extend(cell.take());
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                if let Some(c) = cell.as_mut().filter(|c| c.link.is_none()) {
                    c.link = Some((String::new(), dest_url.into_string()));
                    c.in_link = true;
                }
            }
            Event::End(TagEnd::Link) => {
                if let Some(c) = cell.as_mut() {
                    c.in_link = false;
                }
            }
            Event::Text(t) => {
                if let Some(c) = cell.as_mut() {
                    c.text(&t);
                }
            }
            Event::Code(t) => {
                if let Some(c) = cell.as_mut() {
                    c.text(&t);
                    c.code.push(t.into_string());
                }
            }
            Event::End(TagEnd::TableRow) => {
                let line = line_of(range.start);
                let cells = std::mem::take(&mut row);
                match (chapters.last_mut(), page(&cells, line)) {
                    (Some(ch), Ok(p)) => {
                        let want = format!("{BOOK_SRC}/{}/", ch.dir);
                        if !p.path.starts_with(&want) {
                            errors.push(format!(
                                "README.md:{line}: page {} is not in {want}",
                                p.path
                            ));
                        }
                        ch.pages.push(p);
                    }
                    (None, _) => errors.push(format!(
                        "README.md:{line}: a row before any `###` heading"
                    )),
                    (_, Err(e)) => errors.push(e),
                }
            }
            _ => {}
        }
    }
    if errors.is_empty() {
        Ok(chapters)
    } else {
        Err(errors.join("\n"))
    }
}

#[derive(Default)]
struct Cell {
    /// The first link: its text and target.
    link: Option<(String, String)>,
    in_link: bool,
    code: Vec<String>,
}

impl Cell {
    fn text(&mut self, t: &str) {
        if let Some((text, _)) = self.link.as_mut().filter(|_| self.in_link) {
            text.push_str(t);
        }
    }
}

fn page(cells: &[Cell], line: usize) -> Result<Page, String> {
    let [first, _slide, rust, run] = cells else {
        return Err(format!(
            "README.md:{line}: a slide-map row has {} cells, not 4 \
             (Page | Slide | Rust | Run)",
            cells.len()
        ));
    };
    let Some((title, path)) = first.link.clone() else {
        return Err(format!(
            "README.md:{line}: the first cell is not a link to the page"
        ));
    };
    let Some(command) = run.code.first().cloned() else {
        return Err(format!("README.md:{line}: the Run cell has no command"));
    };
    Ok(Page {
        title,
        path,
        files: rust.code.clone(),
        command,
        line,
    })
}

/// `Talk 03: Gutenberg books` -> `talk-03`; `Beyond the talks` -> `beyond`.
fn chapter_dir(title: &str) -> Option<String> {
    if title == "Beyond the talks" {
        return Some("beyond".to_owned());
    }
    let number = title.strip_prefix("Talk ")?.split(':').next()?;
    (number.len() == 2 && number.chars().all(|c| c.is_ascii_digit()))
        .then(|| format!("talk-{number}"))
}

/// mdBook's `SUMMARY.md` for `chapters`: the introduction, then one
/// chapter per talk with a page per row.
pub fn summary(chapters: &[Chapter]) -> String {
    let mut out = String::from(
        "# Summary\n\n\
         <!-- Generated from the README's slide map: \
         `WORKSHOP_BLESS=1 cargo test -p workshop` rewrites it. -->\n\n\
         [Introduction](introduction.md)\n\n",
    );
    let local = |path: &str| {
        path.strip_prefix(BOOK_SRC)
            .map(|p| p.trim_start_matches('/').to_owned())
            .unwrap_or_else(|| path.to_owned())
    };
    for chapter in chapters {
        out.push_str(&format!(
            "- [{}]({})\n",
            chapter.title,
            local(&chapter.index())
        ));
        for page in &chapter.pages {
            out.push_str(&format!(
                "  - [{}]({})\n",
                page.title,
                local(&page.path)
            ));
        }
    }
    out
}

/// One `{{#include ...}}` on a page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Include {
    /// 1-based line of the page.
    pub line: usize,
    /// The file, as written (relative to the page's folder).
    pub file: String,
    /// `:ANCHOR`, or a line range as written (`:3:10`), if any.
    pub selector: Option<String>,
    /// Inside a fenced code block whose language is this (`rust`,
    /// `python`, `text`, ...); `None` outside code blocks.
    pub block: Option<String>,
}

/// Each line of `markdown` but the fences: its 1-based number, the
/// language of the fenced code block it is in (`None` outside one), and
/// its text.
pub fn lines_in_blocks(markdown: &str) -> Vec<(usize, Option<String>, &str)> {
    let mut out = Vec::new();
    let mut block: Option<String> = None;
    for (n, line) in markdown.lines().enumerate() {
        if let Some(fence) = line.trim().strip_prefix("```") {
            block = match block {
                Some(_) => None,
                None => Some(fence.trim().to_owned()),
            };
            continue;
        }
        out.push((n + 1, block.clone(), line));
    }
    out
}

/// Every file under `dir` (and its subfolders) whose name ends in
/// `.ext`, sorted.
pub fn files_under(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![dir.to_owned()];
    while let Some(d) = dirs.pop() {
        let entries =
            fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display()));
        for entry in entries {
            let path = entry.expect("a readable entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == ext) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Every `{{#include}}` (and `{{#rustdoc_include}}`) of `markdown`.
pub fn includes(markdown: &str) -> Vec<Include> {
    let mut out = Vec::new();
    for (line_no, block, line) in lines_in_blocks(markdown) {
        let mut rest = line;
        while let Some(start) = rest.find("{{#") {
            let after = &rest[start + 3..];
            let Some(end) = after.find("}}") else { break };
            let body = &after[..end];
            rest = &after[end + 2..];
            let Some(arg) = body
                .strip_prefix("include ")
                .or_else(|| body.strip_prefix("rustdoc_include "))
            else {
                continue;
            };
            let arg = arg.trim();
            let (file, selector) = match arg.split_once(':') {
                Some((f, s)) => (f.to_owned(), Some(s.to_owned())),
                None => (arg.to_owned(), None),
            };
            out.push(Include {
                line: line_no,
                file,
                selector,
                block: block.clone(),
            });
        }
    }
    out
}

/// The file an include names, as a path from the workspace root
/// (`page` is from the workspace root too), with `..` resolved.
pub fn include_path(page: &str, include: &Include) -> PathBuf {
    let dir = Path::new(page).parent().unwrap_or(Path::new(""));
    normalise(&dir.join(&include.file))
}

fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// What mdBook will put on the page for `include`: the whole file as it
/// is, or the lines between `ANCHOR: name` and `ANCHOR_END: name`,
/// without the anchor lines inside them. `root` is the workspace root. A line range is an error:
/// the file can change under it, an anchor moves with the code.
pub fn resolve(
    root: &Path,
    page: &str,
    include: &Include,
) -> Result<String, String> {
    let path = include_path(page, include);
    let text = fs::read_to_string(root.join(&path))
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let is_anchor =
        |l: &str| l.contains("ANCHOR:") || l.contains("ANCHOR_END:");
    let Some(selector) = &include.selector else {
        // mdBook shows a whole file as it is, anchor lines and all.
        return Ok(keep(text.lines()));
    };
    if selector
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit() || c == ':')
    {
        return Err(format!(
            "{}:{selector}: a line range; put an anchor in the file \
             (`// ANCHOR: name` ... `// ANCHOR_END: name`) instead",
            path.display()
        ));
    }
    let start = format!("ANCHOR: {selector}");
    let end = format!("ANCHOR_END: {selector}");
    let mut lines = text.lines();
    if !lines.by_ref().any(|l| l.trim_end().ends_with(&start)) {
        return Err(format!(
            "{}: no `ANCHOR: {selector}` line",
            path.display()
        ));
    }
    let mut body: Vec<&str> = Vec::new();
    for l in lines {
        if l.trim_end().ends_with(&end) {
            return Ok(keep(body.into_iter().filter(|l| !is_anchor(l))));
        }
        body.push(l);
    }
    Err(format!(
        "{}: no `ANCHOR_END: {selector}` line",
        path.display()
    ))
}

fn keep<'a>(lines: impl Iterator<Item = &'a str>) -> String {
    let mut s: String = lines.map(|l| format!("{l}\n")).collect();
    if s.is_empty() {
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAP: &str = "\
### Talk 01: The first talk

| Page | Slide | Rust | Run |
|---|---|---|---|
| [Daemons](book/src/talk-01/daemons.md) | \"Daemons\" | `crates/a/x.rs`, `crates/a/y.rs` | `cargo run -p a` |

### Beyond the talks

| Page | What | Rust | Run |
|---|---|---|---|
| [Diff](book/src/beyond/diff.md) | what changes | `scripts/diff` | `scripts/diff seq tokio` |
";

    #[test]
    fn the_map_gives_chapters_pages_and_a_summary() {
        let chapters = slide_map(MAP, 10).unwrap();
        assert_eq!(chapters.len(), 2);
        assert_eq!(chapters[0].dir, "talk-01");
        let page = &chapters[0].pages[0];
        assert_eq!(page.title, "Daemons");
        assert_eq!(page.path, "book/src/talk-01/daemons.md");
        assert_eq!(page.files, ["crates/a/x.rs", "crates/a/y.rs"]);
        assert_eq!(page.command, "cargo run -p a");
        assert_eq!(page.line, 14);
        let s = summary(&chapters);
        assert!(s.contains(
            "- [Talk 01: The first talk](talk-01/index.md)\n  \
             - [Daemons](talk-01/daemons.md)\n"
        ));
        assert!(s.contains("- [Beyond the talks](beyond/index.md)\n"));
    }

    #[test]
    fn a_row_without_its_page_link_is_an_error() {
        let map = MAP.replace("[Daemons](book/src/talk-01/daemons.md)", "D");
        let err = slide_map(&map, 1).unwrap_err();
        assert!(err.contains("not a link to the page"), "{err}");
        let map = MAP.replace("book/src/talk-01/daemons", "book/src/x/d");
        let err = slide_map(&map, 1).unwrap_err();
        assert!(err.contains("is not in book/src/talk-01/"), "{err}");
    }

    #[test]
    fn includes_are_read_with_their_anchor_and_block() {
        let md = "text\n```rust\n{{#include ../../a.rs:main}}\n```\n\
                  {{#include x.md}}\n";
        let inc = includes(md);
        assert_eq!(inc.len(), 2);
        assert_eq!(inc[0].line, 3);
        assert_eq!(inc[0].file, "../../a.rs");
        assert_eq!(inc[0].selector.as_deref(), Some("main"));
        assert_eq!(inc[0].block.as_deref(), Some("rust"));
        assert_eq!(inc[1].block, None);
        let p = include_path("book/src/talk-01/p.md", &inc[0]);
        assert_eq!(p, Path::new("book/a.rs"));
    }

    #[test]
    fn anchors_select_lines_and_line_ranges_are_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        fs::write(
            dir.join("a.rs"),
            "fn x() {}\n// ANCHOR: main\nfn main() {}\n// ANCHOR_END: main\n",
        )
        .unwrap();
        let inc = |sel: Option<&str>| Include {
            line: 1,
            file: "a.rs".into(),
            selector: sel.map(str::to_owned),
            block: None,
        };
        let got = resolve(dir, "p.md", &inc(Some("main"))).unwrap();
        assert_eq!(got, "fn main() {}\n");
        // As mdBook does: a whole file keeps its anchor lines.
        let whole = resolve(dir, "p.md", &inc(None)).unwrap();
        assert_eq!(whole.lines().count(), 4, "{whole}");
        let err = resolve(dir, "p.md", &inc(Some("2:3"))).unwrap_err();
        assert!(err.contains("a line range"), "{err}");
        let err = resolve(dir, "p.md", &inc(Some("nope"))).unwrap_err();
        assert!(err.contains("no `ANCHOR: nope`"), "{err}");
    }
}
