//! Deterministic response bodies for `/pages/{name}` and `/bytes/{n}`.
//!
//! Part of `demo-server` (run it with `cargo run -p demo-server`). A body is
//! a pure function of the request, so a demo or a test can check what it
//! downloaded byte for byte: `/pages/x` sends exactly `page_body("x", 20480)`.
//! Both are built with a few `memcpy`s, not a formatting loop, because
//! `/pages/` is hit at more than 20,000 requests per second.

/// Size of a `/pages/{name}` body when the request gives no `?size=`.
///
/// 20 KiB: about a small HTML page, big enough that the transfer is not free
/// and small enough that thousands of downloads fit in memory.
pub const DEFAULT_PAGE_SIZE: usize = 20 * 1024;

/// Largest body `/pages/` (`?size=`) and `/bytes/` agree to build: 100 MiB.
///
/// Bodies are built in memory, so a typo such as `?size=1000000000000` is
/// answered `400 Bad Request` instead of exhausting the machine.
pub const MAX_BODY_SIZE: usize = 100 * 1024 * 1024;

/// Filler text after each line's hash: 16 hex digits, a space, these 46
/// bytes and `\n` make a 64-byte line.
const FILLER: &str = "lorem ipsum dolor sit amet, consectetuer elit.";
const _: () = assert!(FILLER.len() == 46, "filler lines are 64 bytes");

/// The body `/pages/{name}?size={size}` answers: exactly `size` bytes.
///
/// `name` is the percent-decoded path segment (`/pages/a%20b` is `"a b"`).
/// The body is plain text shaped like a small page: a first line naming the
/// page, then 64-byte filler lines that start with a hash of the name, so two
/// names differ all the way through (a mixed-up download shows anywhere in
/// the file, not only in its first line). It is cut to `size` bytes, which
/// may cut the first line when `size` is small.
pub fn page_body(name: &str, size: usize) -> Vec<u8> {
    // Printable ASCII only: the body stays ASCII (no UTF-8 sequence cut in
    // half by the size limit), and odd names cannot inject control bytes.
    let shown: String = name
        .chars()
        .map(|c| {
            if c == ' ' || c.is_ascii_graphic() {
                c
            } else {
                '?'
            }
        })
        .collect();
    let header = format!("page {shown}\n");
    let line = format!("{:016x} {FILLER}\n", fnv1a(name.as_bytes()));

    let mut body = Vec::with_capacity(size.max(header.len()));
    body.extend_from_slice(header.as_bytes());
    while body.len() < size {
        body.extend_from_slice(line.as_bytes());
    }
    body.truncate(size);
    body
}

/// The body `/bytes/{n}` answers: `n` bytes counting `0, 1, ..., 250, 0, ..`.
///
/// The period, 251, is prime, so the pattern never lines up with power-of-two
/// buffer or chunk sizes: a chunk written at the wrong offset shows up in a
/// byte-for-byte compare.
pub fn bytes_body(n: usize) -> Vec<u8> {
    // `i < 251`, so the cast to `u8` never truncates.
    let block: [u8; 251] = std::array::from_fn(|i| i as u8);
    let mut body = Vec::with_capacity(n);
    while body.len() < n {
        let take = (n - body.len()).min(block.len());
        body.extend_from_slice(&block[..take]);
    }
    body
}

/// 64-bit FNV-1a: tiny, and unlike `std`'s `DefaultHasher` its output is
/// fixed forever, so page bodies stay the same across Rust versions.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_body_has_exactly_the_requested_size() {
        for size in [0, 1, 5, 63, 64, 100, DEFAULT_PAGE_SIZE, 100_001] {
            assert_eq!(page_body("x", size).len(), size);
        }
    }

    #[test]
    fn page_body_names_the_page_and_depends_on_the_name() {
        let a = page_body("alpha", 1000);
        assert!(a.starts_with(b"page alpha\n"));
        assert_eq!(a, page_body("alpha", 1000));
        let b = page_body("beta", 1000);
        // Not only the first line differs: the filler does too.
        assert_ne!(a[500..], b[500..]);
    }

    #[test]
    fn page_body_is_ascii_even_for_odd_names() {
        let body = page_body("caf\u{e9}\n<b>", 200);
        assert!(body.is_ascii());
        assert!(body.starts_with(b"page caf??<b>\n"));
    }

    #[test]
    fn bytes_body_counts_modulo_251() {
        let body = bytes_body(1000);
        assert_eq!(body.len(), 1000);
        for (i, &b) in body.iter().enumerate() {
            assert_eq!(usize::from(b), i % 251);
        }
        assert!(bytes_body(0).is_empty());
    }

    #[test]
    fn fnv1a_matches_the_published_test_vector() {
        // From the FNV reference: FNV-1a 64 of "a".
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
