//! s01's one platform difference: the queue's reading end as a plain,
//! unbuffered `File`. The queue stands on a POSIX promise: a pipe never
//! splits a write of up to `PIPE_BUF` bytes, so each record reaches one
//! worker whole. Windows' pipes make no such promise, so there s01 stops
//! with a message instead (run it under WSL).

use std::fs::File;
use std::io;

/// This process's stdin as a `File`: reads go straight to the pipe.
#[cfg(unix)]
pub fn stdin_unbuffered() -> io::Result<File> {
    use std::os::fd::AsFd;
    Ok(File::from(io::stdin().as_fd().try_clone_to_owned()?))
}

/// No unsplit pipe writes off Unix: say so rather than risk a torn record.
#[cfg(not(unix))]
pub fn stdin_unbuffered() -> io::Result<File> {
    Err(io::Error::other(
        "s01-process-and-queue needs Unix pipes: Linux, macOS or WSL",
    ))
}
