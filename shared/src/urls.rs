//! `urls(path)` and `filename_for_url(url, dir)`: the first two helpers of
//! the talk's util.py.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::Error;

/// The URL file, read and checked: the good URLs in file order, and every
/// bad line with its line number (never silently dropped).
#[derive(Debug, Default)]
pub struct UrlList {
    /// The http(s) URLs, in file order (duplicates kept, as written).
    pub urls: Vec<String>,
    /// Lines that are not http(s) URLs; each counts as one failed item.
    pub bad_lines: Vec<Error>,
}

/// Reads URLs from a file, one per line.
///
/// Blank lines and lines starting with `#` are skipped. A line that is not
/// an `http://` or `https://` URL (or is not UTF-8) is kept in
/// [`UrlList::bad_lines`] with its line number. Only an unreadable file is
/// an `Err`: then there is nothing to do at all (exit code 2).
///
/// Python's `urls()` is a generator; here we read the whole file at once,
/// because every approach needs the full list before it starts (to size a
/// queue, to split work, to count).
pub fn urls(path: impl AsRef<Path>) -> io::Result<UrlList> {
    // Read bytes, not a String: one stray non-UTF-8 byte should cost one
    // line, not the whole file.
    let bytes = fs::read(path)?;
    // A file saved by some Windows editors starts with a byte-order mark,
    // which would otherwise make line 1 "not a URL".
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let mut list = UrlList::default();
    for (index, raw) in bytes.split(|&b| b == b'\n').enumerate() {
        let line = index + 1;
        let Ok(text) = std::str::from_utf8(raw) else {
            list.bad_lines.push(Error::BadLine {
                line,
                text: String::from_utf8_lossy(raw).into_owned(),
                reason: "not valid UTF-8".into(),
            });
            continue;
        };
        let text = text.trim();
        if text.is_empty() || text.starts_with('#') {
            continue;
        }
        match check_url(text) {
            Ok(()) => list.urls.push(text.to_owned()),
            Err(reason) => list.bad_lines.push(Error::BadLine {
                line,
                text: text.to_owned(),
                reason,
            }),
        }
    }
    Ok(list)
}

/// An http(s) URL with a host, or the reason it is not one.
fn check_url(text: &str) -> Result<(), String> {
    let url = url::Url::parse(text).map_err(|e| format!("not a URL ({e})"))?;
    match url.scheme() {
        "http" | "https" => {}
        other => return Err(format!("unsupported scheme {other:?}")),
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("URL has no host".into());
    }
    Ok(())
}

/// Longest readable part of a file name, in bytes. Linux allows 255 per
/// name; we stay well below so the hash, extension and temp prefix fit.
const MAX_READABLE: usize = 80;

/// Returns the file in `dir` where the body of `url` is saved.
///
/// The name is readable (the URL's path, made safe), distinct for distinct
/// URLs (a short hash of the whole URL is appended, so `/a/index.html` and
/// `/b/index.html` differ), the same for the same URL, and always directly
/// inside `dir`: `/`, `\`, `..`, `%2e%2e%2f`, NUL and absurd lengths cannot
/// escape or break it, because every character outside `[A-Za-z0-9._-]`
/// becomes `_` and the name never starts with a dot.
///
/// `http://127.0.0.1:8000/pages/007` becomes `pages_007-1a2b3c4d5e.html`
/// style names: `<path>-<hash>[.<ext>]`.
pub fn filename_for_url(url: &str, dir: impl AsRef<Path>) -> PathBuf {
    let digest = Sha256::digest(url.as_bytes());
    let hash: String = digest[..5].iter().map(|b| format!("{b:02x}")).collect();

    // The readable part: path and query, without scheme and host.
    let rest = url
        .split_once("://")
        .map_or(url, |(_, rest)| rest)
        .split_once('/')
        .map_or("", |(_, path)| path);
    let mut readable: String = rest
        .chars()
        .map(|c| match c {
            'A'..='Z' | 'a'..='z' | '0'..='9' | '.' | '-' => c,
            _ => '_',
        })
        .collect();

    // Keep a short, safe extension so `cat.jpg` still opens as a picture.
    let ext = match readable.rsplit_once('.') {
        Some((stem, ext))
            if !stem.is_empty()
                && (1..=5).contains(&ext.len())
                && ext.chars().all(|c| c.is_ascii_alphanumeric()) =>
        {
            let ext = ext.to_owned();
            readable.truncate(stem.len());
            Some(ext)
        }
        _ => None,
    };

    // Keep the end of a long path: it is the part that tells pages apart.
    if readable.len() > MAX_READABLE {
        readable = readable[readable.len() - MAX_READABLE..].to_owned();
    }
    let readable = readable.trim_matches(|c| c == '.' || c == '_');
    let readable = if readable.is_empty() {
        "index"
    } else {
        readable
    };

    let name = match ext {
        Some(ext) => format!("{readable}-{hash}.{ext}"),
        None => format!("{readable}-{hash}"),
    };
    dir.as_ref().join(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Component;

    fn write_list(text: &[u8]) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("urls.txt");
        fs::write(&path, text).unwrap();
        (dir, path)
    }

    #[test]
    fn skips_blank_lines_and_comments() {
        let (_dir, path) = write_list(
            b"# the talk's list\n\nhttp://a.test/1\n   \n  # indented\n\
              https://b.test/2\r\n",
        );
        let list = urls(&path).unwrap();
        assert_eq!(list.urls, ["http://a.test/1", "https://b.test/2"]);
        assert!(list.bad_lines.is_empty());
    }

    #[test]
    fn byte_order_mark_and_crlf_are_not_part_of_the_url() {
        let (_dir, path) =
            write_list(b"\xEF\xBB\xBFhttp://a.test/1\r\nhttp://b.test/2\r\n");
        let list = urls(&path).unwrap();
        assert_eq!(list.urls, ["http://a.test/1", "http://b.test/2"]);
        assert!(list.bad_lines.is_empty(), "{:?}", list.bad_lines);
    }

    #[test]
    fn reports_bad_lines_with_their_numbers() {
        let (_dir, path) = write_list(
            b"http://a.test/1\nnot a url\nftp://files.test/x\n\xff\xfe\n\
              http://b.test/2\n",
        );
        let list = urls(&path).unwrap();
        assert_eq!(list.urls, ["http://a.test/1", "http://b.test/2"]);
        let lines: Vec<String> =
            list.bad_lines.iter().map(ToString::to_string).collect();
        assert_eq!(lines.len(), 3, "{lines:?}");
        assert!(lines[0].starts_with("line 2: not a URL"), "{}", lines[0]);
        assert!(lines[1].starts_with("line 3: unsupported scheme \"ftp\""));
        assert!(lines[2].starts_with("line 4: not valid UTF-8"));
    }

    #[test]
    fn missing_file_is_an_error() {
        let err = urls("/definitely/not/here/urls.txt").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
    }

    #[test]
    fn names_are_distinct_for_distinct_urls() {
        let a = filename_for_url("http://h.test/a/index.html", "out");
        let b = filename_for_url("http://h.test/b/index.html", "out");
        assert_ne!(a, b);
        let host1 = filename_for_url("http://one.test/x", "out");
        let host2 = filename_for_url("http://two.test/x", "out");
        assert_ne!(host1, host2);
        let q1 = filename_for_url("http://h.test/p?page=1", "out");
        let q2 = filename_for_url("http://h.test/p?page=2", "out");
        assert_ne!(q1, q2);
    }

    #[test]
    fn names_are_stable_and_readable() {
        let url = "http://127.0.0.1:8000/pages/007";
        let name = filename_for_url(url, "downloads");
        assert_eq!(name, filename_for_url(url, "downloads"));
        let file = name.file_name().unwrap().to_str().unwrap();
        assert!(file.starts_with("pages_007-"), "{file}");
        let pic = filename_for_url("http://h.test/cats/1.jpg", "d");
        assert!(pic.to_str().unwrap().ends_with(".jpg"), "{pic:?}");
    }

    #[test]
    fn names_never_leave_the_folder() {
        let long_path = format!("http://h.test/{}", "a/".repeat(2_500));
        let long_query = format!("http://h.test/x?q={}", "z".repeat(5_000));
        let nasty = [
            "http://h.test/../../etc/passwd",
            "http://h.test/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
            "http://h.test/..%2f..%2f",
            "http://h.test/a\\..\\..\\b",
            "http://h.test/nul\0byte",
            "http://h.test/..",
            "http://h.test/.hidden",
            "http://h.test/",
            "http://h.test",
            &long_path,
            &long_query,
        ];
        let dir = Path::new("downloads");
        for url in nasty {
            let path = filename_for_url(url, dir);
            assert_eq!(path.parent(), Some(dir), "{url}");
            let name = path.file_name().unwrap().to_str().unwrap();
            assert!(!name.starts_with('.'), "{url} -> {name}");
            assert!(name.len() <= 120, "{url} -> {} bytes", name.len());
            assert!(
                path.strip_prefix(dir)
                    .unwrap()
                    .components()
                    .all(|c| matches!(c, Component::Normal(_))),
                "{url} -> {path:?}"
            );
        }
    }
}
