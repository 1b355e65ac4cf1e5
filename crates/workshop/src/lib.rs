//! Keeps the workshop's documents from rotting.
//!
//! An instructor runs the workshop from the READMEs, so every command in
//! them has to work and every file they name has to exist. This crate
//! knows the workspace's packages (their binaries and examples, the way
//! cargo finds them) and reads Markdown the way a person copies from it:
//! code blocks line by line, inline code spans whole. Its tests
//! (`cargo test -p workshop`) check the root README's slide map and every
//! `cargo ... -p PKG [--example NAME]`, `scripts/...` and `diff A B`
//! command in every README.
//!
//! Nothing here runs a command; it checks that what a command names is
//! there. The CI script (`.ci/run`) runs the cheap ones for real.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};

pub mod book;

/// The Cargo workspace: its root and its member packages by name.
#[derive(Debug)]
pub struct Workspace {
    /// The folder holding the workspace's `Cargo.toml`.
    pub root: PathBuf,
    /// Every member package, by package name.
    pub packages: BTreeMap<String, Package>,
}

/// One member package, with the targets cargo would find in it.
#[derive(Debug)]
pub struct Package {
    /// `name` from `[package]`, e.g. `seq-demo`.
    pub name: String,
    /// The package's folder, relative to the workspace root (`crates/seq`).
    pub dir: PathBuf,
    /// Binary targets (`cargo run -p PKG --bin NAME`).
    pub bins: BTreeSet<String>,
    /// Example targets (`cargo run -p PKG --example NAME`).
    pub examples: BTreeSet<String>,
}

impl Workspace {
    /// The workspace this crate is part of.
    pub fn this() -> Workspace {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let root = root
            .canonicalize()
            .expect("this crate sits two folders below the workspace root");
        Workspace::load(&root)
            .unwrap_or_else(|e| panic!("reading the workspace: {e}"))
    }

    /// Reads the members listed in `root/Cargo.toml` (`"dir"` or `"dir/*"`).
    pub fn load(root: &Path) -> Result<Workspace, String> {
        let manifest = read(&root.join("Cargo.toml"))?;
        let mut packages = BTreeMap::new();
        for member in members(&manifest) {
            let dirs = match member.strip_suffix("/*") {
                Some(parent) => subfolders(&root.join(parent))?
                    .into_iter()
                    .map(|name| Path::new(parent).join(name))
                    .collect(),
                None => vec![PathBuf::from(&member)],
            };
            for dir in dirs {
                if root.join(&dir).join("Cargo.toml").is_file() {
                    let package = Package::load(root, &dir)?;
                    packages.insert(package.name.clone(), package);
                }
            }
        }
        Ok(Workspace {
            root: root.to_owned(),
            packages,
        })
    }

    /// The package that has a binary called `name`, if any.
    pub fn with_bin(&self, name: &str) -> Option<&Package> {
        self.packages.values().find(|p| p.bins.contains(name))
    }

    /// The package that has an example called `name`, if any.
    pub fn with_example(&self, name: &str) -> Option<&Package> {
        self.packages.values().find(|p| p.examples.contains(name))
    }

    /// Every README.md of the workspace: the root's, each member's, and
    /// any in a folder under `scripts/`; relative to the root.
    pub fn readmes(&self) -> Vec<PathBuf> {
        let mut dirs = vec![PathBuf::new()];
        dirs.extend(self.packages.values().map(|p| p.dir.clone()));
        if let Ok(names) = subfolders(&self.root.join("scripts")) {
            dirs.extend(names.iter().map(|d| Path::new("scripts").join(d)));
        }
        let mut readmes: Vec<PathBuf> = dirs
            .into_iter()
            .map(|d| d.join("README.md"))
            .filter(|p| self.root.join(p).is_file())
            .collect();
        readmes.sort();
        readmes
    }
}

impl Package {
    /// Reads `root/dir/Cargo.toml` and finds the targets the way cargo's
    /// auto-discovery does: `src/main.rs` (a binary named after the
    /// package), `src/bin/*.rs`, `src/bin/*/main.rs`, `examples/*.rs`,
    /// `examples/*/main.rs`, plus any `[[bin]]` / `[[example]]` by name.
    pub fn load(root: &Path, dir: &Path) -> Result<Package, String> {
        let manifest = read(&root.join(dir).join("Cargo.toml"))?;
        let tables = tables(&manifest);
        let name = tables
            .iter()
            .find(|(header, _)| header == "[package]")
            .and_then(|(_, keys)| keys.get("name").cloned())
            .ok_or_else(|| format!("{}: no [package] name", dir.display()))?;
        let mut bins = targets(&root.join(dir), "src/bin");
        if root.join(dir).join("src/main.rs").is_file() {
            bins.insert(name.clone());
        }
        let mut examples = targets(&root.join(dir), "examples");
        for (header, keys) in &tables {
            let named = keys.get("name").cloned();
            match (header.as_str(), named) {
                ("[[bin]]", Some(n)) => drop(bins.insert(n)),
                ("[[example]]", Some(n)) => drop(examples.insert(n)),
                _ => {}
            }
        }
        Ok(Package {
            name,
            dir: dir.to_owned(),
            bins,
            examples,
        })
    }
}

/// Target names under `dir/sub`: `NAME.rs` files and `NAME/main.rs`.
fn targets(dir: &Path, sub: &str) -> BTreeSet<String> {
    let Ok(entries) = fs::read_dir(dir.join(sub)) else {
        return BTreeSet::new();
    };
    entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let path = e.path();
            let name = path.file_stem()?.to_str()?.to_owned();
            let is_target = (path.is_file()
                && path.extension().is_some_and(|x| x == "rs"))
                || path.join("main.rs").is_file();
            is_target.then_some(name)
        })
        .collect()
}

/// The strings in the root manifest's `members = [...]` (one line or many).
fn members(manifest: &str) -> Vec<String> {
    let Some(start) = manifest.find("members") else {
        return Vec::new();
    };
    let rest = &manifest[start..];
    let list = rest
        .find('[')
        .and_then(|a| rest[a..].find(']').map(|b| &rest[a + 1..a + b]))
        .unwrap_or("");
    list.split(',')
        .map(|s| s.trim().trim_matches('"').to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Each `[table]` header of a manifest with its `key = "string"` entries.
/// Enough for `name` and `path`; not a TOML parser.
fn tables(manifest: &str) -> Vec<(String, BTreeMap<String, String>)> {
    let mut out: Vec<(String, BTreeMap<String, String>)> = Vec::new();
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            out.push((line.to_owned(), BTreeMap::new()));
        } else if let (Some((key, value)), Some((_, keys))) =
            (line.split_once('='), out.last_mut())
        {
            let value = value.trim();
            if let Some(s) =
                value.strip_prefix('"').and_then(|v| v.strip_suffix('"'))
            {
                keys.insert(key.trim().to_owned(), s.to_owned());
            }
        }
    }
    out
}

fn subfolders(dir: &Path) -> Result<Vec<String>, String> {
    let entries = fs::read_dir(dir)
        .map_err(|e| format!("reading {}: {e}", dir.display()))?;
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .filter_map(|e| e.file_name().to_str().map(str::to_owned))
        .collect();
    names.sort();
    Ok(names)
}

fn read(path: &Path) -> Result<String, String> {
    fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// A piece of code in a Markdown file: one line of a code block, or one
/// inline code span (soft line breaks inside it become spaces, as when
/// the page is rendered).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snippet {
    /// 1-based line of the Markdown file where it starts.
    pub line: usize,
    /// The code, without backticks.
    pub text: String,
    /// Inside a fenced or indented code block (rather than inline).
    pub in_block: bool,
}

/// Every code span and every code-block line of `markdown`, in order.
pub fn snippets(markdown: &str) -> Vec<Snippet> {
    let line_of = |offset: usize| markdown[..offset].matches('\n').count() + 1;
    let mut out = Vec::new();
    let mut block: Option<usize> = None;
    for (event, range) in Parser::new(markdown).into_offset_iter() {
        match event {
            Event::Code(code) => out.push(Snippet {
                line: line_of(range.start),
                text: code.into_string(),
                in_block: false,
            }),
            Event::Start(Tag::CodeBlock(kind)) => {
                // A fenced block's text starts on the line after the fence.
                let fence = matches!(kind, CodeBlockKind::Fenced(_));
                block = Some(line_of(range.start) + usize::from(fence));
            }
            Event::End(TagEnd::CodeBlock) => block = None,
            Event::Text(text) => {
                if let Some(first) = block.as_mut() {
                    for line in text.lines() {
                        out.push(Snippet {
                            line: *first,
                            text: line.to_owned(),
                            in_block: true,
                        });
                        *first += 1;
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// The section of `markdown` under the heading `## title`, up to the next
/// heading of level 2 or higher (`None` if there is no such heading).
/// Returns the text and the 1-based line where it starts.
pub fn section<'a>(markdown: &'a str, title: &str) -> Option<(&'a str, usize)> {
    let heading = format!("## {title}");
    let mut offset = 0;
    let mut start = None;
    for line in markdown.split_inclusive('\n') {
        let trimmed = line.trim_end();
        if let Some(s) = start {
            if trimmed.starts_with("## ") || trimmed.starts_with("# ") {
                let line_no = markdown[..s].matches('\n').count() + 1;
                return Some((&markdown[s..offset], line_no));
            }
        } else if trimmed == heading {
            start = Some(offset);
        }
        offset += line.len();
    }
    start.map(|s| (&markdown[s..], markdown[..s].matches('\n').count() + 1))
}

/// What a shell command names that can be checked without running it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mentions {
    /// Packages given with `-p` / `--package`.
    pub packages: Vec<String>,
    /// `--example NAME`.
    pub examples: Vec<String>,
    /// `--bin NAME`.
    pub bins: Vec<String>,
    /// `target/{release,debug}/NAME`: a binary some package builds.
    pub built_bins: Vec<String>,
    /// `target/{release,debug}/examples/NAME`: an example some package has.
    pub built_examples: Vec<String>,
    /// Files a command runs or reads (`scripts/serve`, `diff A B`,
    /// `bash crates/x/scripts/measure.sh`), relative to the workspace root.
    pub files: Vec<String>,
}

/// The checkable names in one command line, e.g. `cargo run --release -p
/// seq-demo --example s02-one-session -- urls.txt` or `scripts/diff seq
/// tokio`. A `# comment` at the end is ignored, and so is everything that
/// cannot be checked (arguments after `--`, placeholders like `<demo>`).
pub fn mentions(command: &str) -> Mentions {
    let mut m = Mentions::default();
    let command = match command.find(" #") {
        Some(i) => &command[..i],
        None => command,
    };
    let words: Vec<&str> = command
        .split_whitespace()
        .map(|w| w.trim_matches(|c| c == '"' || c == '\''))
        .collect();
    // Leading `VAR=value` assignments and a `$ ` prompt are not the command.
    let words: Vec<&str> = words
        .into_iter()
        .skip_while(|w| *w == "$" || is_assignment(w))
        .collect();
    let Some(&program) = words.first() else {
        return m;
    };
    match program {
        "cargo" => {
            let mut i = 1;
            while i < words.len() {
                let (flag, inline) = match words[i].split_once('=') {
                    Some((f, v)) if f.starts_with("--") => (f, Some(v)),
                    _ => (words[i], None),
                };
                let value = || inline.or_else(|| words.get(i + 1).copied());
                let list = match flag {
                    "--" => break,
                    "-p" | "--package" => Some(&mut m.packages),
                    "--example" => Some(&mut m.examples),
                    "--bin" => Some(&mut m.bins),
                    _ => {
                        if let Some(p) = flag.strip_prefix("-p")
                            && !p.starts_with('-')
                            && !p.is_empty()
                        {
                            m.packages.push(p.to_owned());
                        }
                        None
                    }
                };
                if let Some(list) = list {
                    if let Some(v) = value().filter(|v| checkable(v)) {
                        list.push(v.to_owned());
                    }
                    if inline.is_none() {
                        i += 1;
                    }
                }
                i += 1;
            }
        }
        "diff" | "bash" | "sh" | "scripts/diff" => {
            let mut args: Vec<&str> = words[1..].to_vec();
            if program.starts_with("scripts/") {
                m.files.push(program.to_owned());
            }
            // `scripts/diff --file F A B` compares crates/A/F, crates/B/F.
            let file = args.iter().position(|w| *w == "--file");
            if program == "scripts/diff"
                && let Some(at) = file
                && let Some(file) = args.get(at + 1).copied()
            {
                for name in args.iter().skip(at + 2) {
                    if !name.starts_with('-') && checkable(name) {
                        m.files.push(format!("crates/{name}/{file}"));
                    }
                }
                args.clear();
            }
            for w in &args {
                if w.contains('/') && checkable(w) && !w.starts_with('-') {
                    m.files.push((*w).to_owned());
                }
            }
        }
        _ if program.starts_with("scripts/") && checkable(program) => {
            m.files.push(program.to_owned());
        }
        _ => {}
    }
    // Built artifacts can appear anywhere, e.g. after `time` or `-v`.
    for w in &words {
        let rest = w
            .strip_prefix("target/release/")
            .or_else(|| w.strip_prefix("target/debug/"));
        if let Some(rest) = rest.filter(|r| checkable(r)) {
            match rest.strip_prefix("examples/") {
                Some(example) => m.built_examples.push(example.to_owned()),
                None if !rest.contains('/') => {
                    m.built_bins.push(rest.to_owned())
                }
                None => {}
            }
        }
    }
    m
}

fn is_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(name, _)| {
        !name.is_empty()
            && name.chars().all(|c| c.is_ascii_uppercase() || c == '_')
    })
}

/// Not a placeholder (`<demo>`, `NAME`, `...`, `$P`, `{a,b}`, globs).
fn checkable(word: &str) -> bool {
    !word.is_empty()
        && !word.contains(['<', '>', '$', '{', '}', '*', '[', ']'])
        && !word.contains("...")
        && word != "NAME"
        && word != "PKG"
}

/// Problems with what `command` names, in `workspace`; empty if none.
/// `base` is the folder of the document the command came from: a file
/// path is looked up there first, then at the workspace root.
pub fn problems(
    workspace: &Workspace,
    base: &Path,
    command: &str,
) -> Vec<String> {
    let m = mentions(command);
    let mut found = Vec::new();
    let mut packages = Vec::new();
    for name in &m.packages {
        match workspace.packages.get(name) {
            Some(p) => packages.push(p),
            None => found.push(format!("no package {name:?} in the workspace")),
        }
    }
    let check = |kind: &str,
                 names: &[String],
                 has: &dyn Fn(&Package, &str) -> bool,
                 found: &mut Vec<String>| {
        for name in names {
            let ok = if packages.is_empty() {
                workspace.packages.values().any(|p| has(p, name))
            } else {
                packages.iter().any(|p| has(p, name))
            };
            if !ok {
                let wher: Vec<&str> =
                    packages.iter().map(|p| p.name.as_str()).collect();
                found.push(format!(
                    "no {kind} {name:?} in {}",
                    if wher.is_empty() {
                        "any package".to_owned()
                    } else {
                        wher.join(", ")
                    }
                ));
            }
        }
    };
    check(
        "example",
        &m.examples,
        &|p, n| p.examples.contains(n),
        &mut found,
    );
    check("binary", &m.bins, &|p, n| p.bins.contains(n), &mut found);
    for name in &m.built_examples {
        if workspace.with_example(name).is_none() {
            found.push(format!("no package has an example {name:?}"));
        }
    }
    for name in &m.built_bins {
        if workspace.with_bin(name).is_none() {
            found.push(format!("no package builds a binary {name:?}"));
        }
    }
    for file in &m.files {
        let here = workspace.root.join(base).join(file);
        let there = workspace.root.join(file);
        if !here.exists() && !there.exists() {
            found.push(format!("no file {file}"));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_packages_examples_and_files_in_commands() {
        let m = mentions(
            "cargo run --release -p seq-demo --example s02-one-session \
             -- urls.txt -p x   # a comment",
        );
        assert_eq!(m.packages, ["seq-demo"]);
        assert_eq!(m.examples, ["s02-one-session"]);

        let m = mentions("cargo build --release -p demo-server -pseq-demo");
        assert_eq!(m.packages, ["demo-server", "seq-demo"]);

        let m = mentions("cargo test --package=tokio-demo --example=s07");
        assert_eq!(m.packages, ["tokio-demo"]);
        assert_eq!(m.examples, ["s07"]);

        let m = mentions("diff -u crates/seq/src/main.rs crates/x/src/main.rs");
        assert_eq!(m.files, ["crates/seq/src/main.rs", "crates/x/src/main.rs"]);

        let m = mentions("OUT=/dev/shm/x bash crates/tokio/scripts/measure.sh");
        assert_eq!(m.files, ["crates/tokio/scripts/measure.sh"]);

        let m = mentions("/usr/bin/time -v target/release/smol-demo --urls F");
        assert_eq!(m.built_bins, ["smol-demo"]);
        let m = mentions("target/release/examples/s04-spawn-cost");
        assert_eq!(m.built_examples, ["s04-spawn-cost"]);

        let m = mentions("scripts/diff --side seq tokio");
        assert_eq!(m.files, ["scripts/diff"]);
        assert!(mentions("scripts/... --help").files.is_empty());
    }

    #[test]
    fn diff_file_names_the_file_in_each_crate() {
        let m = mentions("scripts/diff --file src/http.rs async-std smol");
        assert_eq!(
            m.files,
            [
                "scripts/diff",
                "crates/async-std/src/http.rs",
                "crates/smol/src/http.rs"
            ]
        );
    }

    #[test]
    fn placeholders_are_not_checked() {
        let m = mentions("cargo run -p <demo> --example NAME");
        assert_eq!(m, Mentions::default());
        let m = mentions("diff crates/smol/... crates/$A/src/main.rs");
        assert!(m.files.is_empty());
        assert!(mentions("<demo> hash --tasks 20").files.is_empty());
    }

    #[test]
    fn snippets_are_code_spans_and_block_lines() {
        let md = "Run `cargo run\n-p seq-demo` now.\n\n```text\na\nb\n```\n";
        let s = snippets(md);
        assert_eq!(s.len(), 3, "{s:?}");
        assert_eq!(s[0].text, "cargo run -p seq-demo");
        assert_eq!((s[0].line, s[0].in_block), (1, false));
        assert_eq!((s[1].text.as_str(), s[1].line), ("a", 5));
        assert_eq!((s[2].text.as_str(), s[2].line), ("b", 6));
    }

    #[test]
    fn a_section_ends_at_the_next_heading() {
        let md = "# T\n## A\none\n### sub\ntwo\n## B\nthree\n";
        let (text, line) = section(md, "A").expect("section A exists");
        assert_eq!(text, "## A\none\n### sub\ntwo\n");
        assert_eq!(line, 2);
        let (text, _) = section(md, "B").expect("section B exists");
        assert_eq!(text, "## B\nthree\n");
        assert!(section(md, "C").is_none());
    }
}
