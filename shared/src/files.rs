//! `write_to_file(path, bytes)`: the last helper of the talk's util.py,
//! made atomic.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::Error;

/// Every temporary file [`write_to_file`] makes starts with this, so what
/// an interrupted run leaves behind can be found and removed.
pub const TEMP_PREFIX: &str = ".tmp-";

// ANCHOR: write_to_file
/// Writes `content` to `path` so that `path` is either absent, the old
/// file, or the complete new file; never half-written.
///
/// The talk's `open(name, "w").write(content)` writes in place: a run
/// killed mid-write leaves a torn file that looks whole. Here the bytes go
/// to a temporary file in the same folder first, which is then renamed
/// over `path`. A rename within one folder is atomic, so a killed run, or
/// two workers saving the same URL, never leave a torn file under the
/// final name. The file gets the permissions `open()` would give it: 0666
/// less the umask. On Windows, where a file held open elsewhere cannot be
/// replaced, the rename is retried for up to about 0.4 s first.
pub fn write_to_file(path: &Path, content: &[u8]) -> Result<(), Error> {
    let temp = temp_path(path);
    let written = fs::write(&temp, content).and_then(|()| rename(&temp, path));
    written.map_err(|source| {
        // Never leave the temporary file behind (it may not exist).
        let _ = fs::remove_file(&temp);
        Error::Write {
            path: path.to_owned(),
            source,
        }
    })
}
// ANCHOR_END: write_to_file

/// `fs::rename(from, to)`, replacing `to` if it exists. On Unix that is
/// all there is to it: a rename replaces the name even while another
/// process has the old file open.
#[cfg(not(windows))]
fn rename(from: &Path, to: &Path) -> io::Result<()> {
    fs::rename(from, to)
}

/// `fs::rename(from, to)`, replacing `to` if it exists, with a few retries.
///
/// On Windows a file that some process holds open cannot be replaced: the
/// rename fails with "Access is denied" (os error 5, `PermissionDenied`)
/// until it lets go. Often nobody in the demo holds it, but an antivirus
/// scanner or the search indexer, opening each new file for a moment
/// right after we wrote it; or another worker saving the same URL. So try
/// again a few times, 25 ms apart and doubling (375 ms of waiting in all),
/// before giving up with the last error as any other OS would. The sleep
/// blocks the thread: the async demos call `write_to_file` on their
/// runtime's blocking pool, so no executor thread waits here.
///
/// Also `PermissionDenied` when `to` is a folder, or really read-only:
/// then the retries only delay the same error.
#[cfg(windows)]
fn rename(from: &Path, to: &Path) -> io::Result<()> {
    use std::time::Duration;

    const RETRIES: u32 = 4;
    let mut pause = Duration::from_millis(25);
    for _ in 0..RETRIES {
        match fs::rename(from, to) {
            Err(e) if e.kind() == io::ErrorKind::PermissionDenied => {
                std::thread::sleep(pause);
                pause *= 2;
            }
            done => return done,
        }
    }
    fs::rename(from, to)
}

/// A name in `path`'s folder that no other write uses at the same time:
/// this process's id (other processes may save into the same folder) and
/// a counter (other threads of this one may).
fn temp_path(path: &Path) -> PathBuf {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let name = format!("{TEMP_PREFIX}{}-{n}", std::process::id());
    match path.parent() {
        Some(dir) => dir.join(name),
        None => PathBuf::from(name),
    }
}

/// Makes sure `dir` exists and is writable, before any download starts:
/// better one clear error (exit 2) than thirty failed writes.
pub fn prepare_out_dir(dir: &Path) -> io::Result<()> {
    fs::create_dir_all(dir)?;
    // The only reliable test of "writable" is to write something.
    let probe = temp_path(&dir.join("probe"));
    fs::write(&probe, b"")?;
    fs::remove_file(&probe)
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

    #[cfg(unix)]
    #[test]
    fn saved_files_get_what_open_would_give_them() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let (ours, opened) = (dir.path().join("a"), dir.path().join("b"));
        write_to_file(&ours, b"x").unwrap();
        // What the talk's open(name, "w") gives, under this umask.
        fs::File::create(&opened).unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode();
        assert_eq!(
            mode(&ours) & 0o777,
            mode(&opened) & 0o777,
            "write_to_file's mode differs from File::create's"
        );
    }

    #[test]
    fn failed_write_names_the_file_and_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing-folder").join("page.html");
        let err = write_to_file(&path, b"x").unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("cannot write "), "{text}");
        assert!(text.contains("page.html"), "{text}");
        // Not the temporary file's name: it means nothing to the reader.
        assert!(!text.contains(TEMP_PREFIX), "{text}");
        assert!(text.ends_with("(os error 2)"), "{text}");
        assert!(entries(dir.path()).is_empty());
    }

    #[test]
    fn a_failed_rename_removes_the_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        // A folder where the file should go: the rename fails.
        let path = dir.path().join("taken");
        fs::create_dir(path.join("inside").parent().unwrap()).unwrap();
        fs::write(path.join("inside"), b"").unwrap();
        assert!(write_to_file(&path, b"x").is_err());
        assert_eq!(entries(dir.path()), ["taken"]);
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
