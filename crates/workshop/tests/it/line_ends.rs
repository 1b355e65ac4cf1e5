//! Every script in the tree keeps LF line ends on Windows checkouts:
//! `.gitattributes` names it (or its extension) with `eol=lf`.

use std::fs;
use std::path::{Path, PathBuf};

use workshop::Workspace;

/// Files under `dir` (recursively) whose first bytes are `#!`.
fn scripts(root: &Path, dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(root.join(dir)) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if name == "target" || name == ".git" {
            continue;
        }
        let path = dir.join(&name);
        if entry.path().is_dir() {
            scripts(root, &path, found);
        } else if fs::read(entry.path()).is_ok_and(|b| b.starts_with(b"#!")) {
            found.push(path);
        }
    }
}

#[test]
fn every_script_keeps_lf_line_ends() {
    let root = Workspace::this().root;
    let attributes = fs::read_to_string(root.join(".gitattributes"))
        .expect(".gitattributes exists at the workspace root");
    let lf: Vec<&str> = attributes
        .lines()
        .filter(|line| !line.starts_with('#') && line.contains("eol=lf"))
        .filter_map(|line| line.split_whitespace().next())
        .collect();
    let mut found = Vec::new();
    scripts(&root, Path::new(""), &mut found);
    assert!(
        found.iter().any(|p| p == Path::new("scripts/shootout")),
        "the walk found the scripts: {found:?}"
    );
    let missing: Vec<String> = found
        .iter()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .filter(|path| {
            !lf.iter().any(|pattern| match pattern.strip_prefix("*.") {
                Some(ext) => path.ends_with(&format!(".{ext}")),
                None => path == pattern,
            })
        })
        .collect();
    assert!(
        missing.is_empty(),
        "scripts without `eol=lf` in .gitattributes (Git for Windows \
         would check them out with CRLF): {missing:?}"
    );
}
