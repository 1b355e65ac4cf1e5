//! `write_to_file(path, bytes)`: the last helper of the talk's util.py,
//! made atomic.

use std::collections::HashSet;
use std::ffi::OsString;
use std::fs;
use std::io::{self, Write};
use std::path::Path;
use std::sync::{PoisonError, RwLock};

use crate::Error;

/// Every temporary file this crate makes starts with this.
const TEMP_PREFIX: &str = ".tmp";

/// Held (shared) by every [`write_to_file`] while it runs; taken for good
/// (exclusive) by the Ctrl-C handler, which so waits for the writes in
/// progress to finish and keeps any new one from starting. A `RwLock<()>`
/// guards no data, only the moment: "no file is half-written now".
static WRITES: RwLock<()> = RwLock::new(());

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
    // Blocks for good once Ctrl-C was pressed: the process is about to exit.
    let _writing = WRITES.read().unwrap_or_else(PoisonError::into_inner);
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    // tempfile deletes the temporary file if we bail out before `persist`.
    let mut tmp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .tempfile_in(dir)
        .map_err(|e| fail(without_temp_path(e)))?;
    tmp.write_all(content).map_err(fail)?;
    tmp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}

/// Makes sure `dir` exists and is writable, before any download starts:
/// better one clear error (exit 2) than thirty failed writes.
pub fn prepare_out_dir(dir: &Path) -> io::Result<()> {
    fs::create_dir_all(dir)?;
    // The only reliable test of "writable" is to write something.
    tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .tempfile_in(dir)
        .map_err(without_temp_path)?;
    Ok(())
}

/// The OS's error without the random temp file name tempfile appends to
/// it (`Permission denied (os error 13) at path "out/.tmpkAqUTe"`): the
/// reader named the folder or the file, not that one, and it differs on
/// every run. tempfile keeps the OS error private, so cut its suffix.
fn without_temp_path(error: io::Error) -> io::Error {
    let text = error.to_string();
    match text.rsplit_once(" at path \"") {
        Some((os, _)) => io::Error::new(error.kind(), os.to_owned()),
        None => error,
    }
}

/// Waits until no [`write_to_file`] is in progress, then keeps every later
/// one waiting until the process exits. Called once, by the Ctrl-C handler
/// on its way out: after it, every file is either complete or absent.
pub(crate) fn hold_writes() {
    let all_mine = WRITES.write().unwrap_or_else(PoisonError::into_inner);
    // Never released: the handler ends the process next.
    std::mem::forget(all_mine);
}

/// Names of the temporary files in `dir` right now (none if unreadable).
pub(crate) fn temp_files(dir: &Path) -> HashSet<OsString> {
    let Ok(entries) = fs::read_dir(dir) else {
        return HashSet::new();
    };
    entries
        .filter_map(|entry| Some(entry.ok()?.file_name()))
        .filter(|name| name.to_string_lossy().starts_with(TEMP_PREFIX))
        .collect()
}

/// Removes the temporary files in `dir` that are not in `before`: the
/// ones this run left there (a worker process killed mid-write leaves its
/// temp file behind; so does a thread still writing when the process
/// exits, which [`hold_writes`] prevents). Returns how many it removed.
pub(crate) fn remove_new_temp_files(
    dir: &Path,
    before: &HashSet<OsString>,
) -> usize {
    temp_files(dir)
        .difference(before)
        .filter(|name| fs::remove_file(dir.join(name)).is_ok())
        .count()
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
        // Not the temp file's random name: it means nothing to the reader.
        assert!(!err.to_string().contains("at path"), "{err}");
        assert!(err.to_string().ends_with("(os error 2)"), "{err}");
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

    #[test]
    fn only_the_temp_files_left_since_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(".tmpOLD123"), b"").unwrap();
        fs::write(dir.path().join("page.html"), b"kept").unwrap();
        let before = temp_files(dir.path());
        // What a worker killed mid-write leaves behind.
        let left = tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .tempfile_in(dir.path())
            .unwrap()
            .keep()
            .unwrap();
        assert!(
            left.1
                .file_name()
                .unwrap()
                .to_str()
                .unwrap()
                .starts_with(".tmp")
        );
        assert_eq!(remove_new_temp_files(dir.path(), &before), 1);
        assert_eq!(entries(dir.path()), [".tmpOLD123", "page.html"]);
    }
}
