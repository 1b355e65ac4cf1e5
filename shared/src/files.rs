//! `write_to_file(path, bytes)`: the last helper of the talk's util.py,
//! made atomic.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

use crate::Error;

/// Writes `content` to `path` so that `path` is either absent, the old file,
/// or the complete new file; never half-written.
///
/// The bytes go to a temporary file in the same folder (`.tmp...`), which is
/// then renamed over `path`. A rename within one filesystem is atomic, so a
/// run that is killed, or two workers saving the same URL, can never leave a
/// torn file under the final name. The talk's `open(name, "w").write(...)`
/// has no such promise.
pub fn write_to_file(path: &Path, content: &[u8]) -> Result<(), Error> {
    let fail = |source| Error::Write {
        path: path.to_owned(),
        source,
    };
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    // tempfile deletes the temporary file if we bail out before `persist`.
    let mut tmp = tempfile::Builder::new()
        .prefix(".tmp")
        .tempfile_in(dir)
        .map_err(fail)?;
    tmp.write_all(content).map_err(fail)?;
    tmp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}

/// Makes sure `dir` exists and is writable, before any download starts:
/// better one clear error (exit 2) than thirty failed writes.
pub fn prepare_out_dir(dir: &Path) -> io::Result<()> {
    fs::create_dir_all(dir)?;
    // The only reliable test of "writable" is to write something.
    tempfile::Builder::new().prefix(".tmp").tempfile_in(dir)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn writes_bytes_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("page.html");
        write_to_file(&path, b"first version").unwrap();
        write_to_file(&path, b"second").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"second");
        assert_eq!(entries(dir.path()), ["page.html"]);
    }

    #[test]
    fn failed_write_names_the_file_and_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing-folder").join("page.html");
        let err = write_to_file(&path, b"x").unwrap_err();
        assert!(err.to_string().contains("page.html"), "{err}");
        assert!(entries(dir.path()).is_empty());
    }

    #[test]
    fn out_dir_is_created_and_checked() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("a").join("b");
        prepare_out_dir(&out).unwrap();
        assert!(out.is_dir());
        assert!(entries(&out).is_empty(), "probe file must be removed");

        let file = dir.path().join("plain-file");
        fs::write(&file, b"").unwrap();
        assert!(prepare_out_dir(&file).is_err());
    }
}
