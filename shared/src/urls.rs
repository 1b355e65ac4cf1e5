//! `urls(path)` and `filename_for_url(url, dir)`: the first two helpers of
//! the talk's util.py.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::Error;

// ANCHOR: urls
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
// ANCHOR_END: urls

impl UrlList {
    /// The good URLs, once every bad line is printed to stderr as
    /// `FILE: line N: reason: "text"`. For the examples: a demo counts a
    /// bad line as a failed item in its report; an example has no report,
    /// but must not drop the line without a word either.
    pub fn warn_bad_lines(self, file: impl std::fmt::Display) -> Vec<String> {
        for bad in &self.bad_lines {
            eprintln!("{file}: {bad}");
        }
        self.urls
    }
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

// ANCHOR: filename_for_url
/// Returns the file in `dir` where the body of `url` is saved.
///
/// The name is readable (the URL's path, made safe), distinct for distinct
/// URLs (a short hash of the whole URL is appended, so `/a/index.html` and
/// `/b/index.html` differ), the same for the same URL, and always directly
/// inside `dir`: `/`, `\`, `..`, `%2e%2e%2f`, NUL and absurd lengths cannot
/// escape or break it, because every character outside `[A-Za-z0-9._-]`
/// becomes `_` and the name never starts with a dot.
///
/// The name is also one that Windows can create, the same on every
/// platform, so a folder of downloads copied between laptops keeps its
/// names: it never ends in a dot or a space (Windows would drop them; here
/// it ends in the hash or the extension), and a name whose part before the
/// first dot is a DOS device name (`con.tar.gz` would give
/// `con.tar-<hash>.gz`, which Windows opens as the console) gets a `_` in
/// front.
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
    let name = if is_windows_device(&name) {
        format!("_{name}")
    } else {
        name
    };
    dir.as_ref().join(name)
}
// ANCHOR_END: filename_for_url

/// True if Windows reads `name` as a device rather than a file: CON, PRN,
/// AUX, NUL, COM0-COM9 or LPT0-LPT9, in any case, before the first dot
/// (`nul.tar.gz` is NUL too). That is Microsoft's list ("Naming Files,
/// Paths, and Namespaces"), 0 included, less COM and LPT with a
/// superscript 1, 2 or 3: those cannot occur here, since every non-ASCII
/// character has already become `_`.
///
/// Checked on every platform, not only on Windows: the same URL must get
/// the same name everywhere, or the shootout's checks and a folder copied
/// from a Linux laptop to a Windows one would disagree.
fn is_windows_device(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name).to_ascii_uppercase();
    match stem.as_bytes() {
        b"CON" | b"PRN" | b"AUX" | b"NUL" => true,
        [b'C', b'O', b'M', digit] | [b'L', b'P', b'T', digit] => {
            digit.is_ascii_digit()
        }
        _ => false,
    }
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

    /// The file name (no folder) that `filename_for_url` gives `url`.
    fn name_of(url: &str) -> String {
        let path = filename_for_url(url, "out");
        path.file_name().unwrap().to_str().unwrap().to_owned()
    }

    /// Every device name, as written, in lower case and capitalised.
    fn device_stems() -> Vec<String> {
        let mut devices: Vec<String> =
            ["CON", "PRN", "AUX", "NUL"].map(String::from).into();
        for n in 0..=9 {
            devices.extend([format!("COM{n}"), format!("LPT{n}")]);
        }
        devices
            .iter()
            .flat_map(|d| {
                let lower = d.to_ascii_lowercase();
                let mixed = format!("{}{}", &d[..1], &lower[1..]);
                [d.clone(), lower, mixed]
            })
            .collect()
    }

    #[test]
    fn windows_device_names_get_an_underscore() {
        // A dot after the stem stays in the readable part (`con.tar` of
        // `con.tar.gz`, or all of `con.verylongext`): a device to Windows.
        for stem in device_stems() {
            for suffix in [".tar.gz", ".a.b.c", ".verylongext", ".x."] {
                let url = format!("http://h.test/{stem}{suffix}");
                let name = name_of(&url);
                assert!(
                    name.starts_with(&format!("_{stem}.")),
                    "{url}: expected \"_{stem}.…\", got {name:?}"
                );
                assert!(!is_windows_device(&name), "{url} -> {name:?}");
            }
        }
    }

    #[test]
    fn a_device_name_with_the_hash_after_it_is_left_alone() {
        // `/con` and `/con.txt` get the hash right after the stem
        // (`con-<hash>`, `con-<hash>.txt`): Windows sees no device there,
        // so no `_` either.
        for stem in device_stems() {
            for suffix in ["", ".txt", ".", "/"] {
                let url = format!("http://h.test/{stem}{suffix}");
                let name = name_of(&url);
                assert!(
                    name.starts_with(&format!("{stem}-")),
                    "{url}: expected \"{stem}-…\", got {name:?}"
                );
                assert!(!is_windows_device(&name), "{url} -> {name:?}");
            }
        }
    }

    #[test]
    fn con_tar_gz_becomes_underscore_con_tar_hash_gz() {
        let url = "http://h.test/con.tar.gz";
        let digest = Sha256::digest(url.as_bytes());
        let hash: String =
            digest[..5].iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(name_of(url), format!("_con.tar-{hash}.gz"), "{url}");
    }

    #[test]
    fn superscript_digits_never_reach_a_name() {
        // COM¹ and LPT³ are devices too, but non-ASCII becomes `_` first.
        for url in
            ["http://h.test/COM\u{b9}.a.b", "http://h.test/lpt\u{b3}.a.b"]
        {
            let name = name_of(url);
            assert!(name.is_ascii(), "{url}: got {name:?}");
            assert!(!is_windows_device(&name), "{url}: got {name:?}");
        }
    }

    #[test]
    fn ordinary_names_are_unchanged() {
        for (url, start) in [
            ("http://h.test/cats/1.jpg", "cats_1-"),
            ("http://h.test/console.log", "console-"),
            ("http://h.test/com10.tar.gz", "com10.tar-"),
            ("http://h.test/lpt.x.y", "lpt.x-"),
            ("http://h.test/auxiliary.a.b", "auxiliary.a-"),
            ("http://h.test/null.a.b", "null.a-"),
            ("http://h.test/a/con.tar.gz", "a_con.tar-"),
            ("http://h.test/nul", "nul-"),
        ] {
            let name = name_of(url);
            assert!(
                name.starts_with(start),
                "{url}: expected {start:?}..., got {name:?}"
            );
        }
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
            "http://h.test/trailing.",
            "http://h.test/trailing. . ",
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
            // Windows would drop a trailing dot or space: another name.
            assert!(!name.ends_with(['.', ' ']), "{url} -> {name}");
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
