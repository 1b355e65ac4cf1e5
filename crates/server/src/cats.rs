//! Talk 02's cats: the JPEGs `/1.jpg` to `/20.jpg` answer.
//!
//! Part of `demo-server` (run it with `cargo run -p demo-server`). The talk
//! served 20 cat photos from a folder with nginx; this server draws 20 small
//! cats of its own instead, so the repository ships no images. Each picture
//! is a pure function of its number, encoded once (the first time it is
//! asked for) and then served from memory: after that a cat costs the server
//! no more than a page. `demo_server::cat_body(n)` is exactly what `/n.jpg`
//! answers, so a client can check its downloads.

use std::sync::OnceLock;

use jpeg_encoder::{ColorType, Encoder};

// ANCHOR: cat_body
/// How many cats the server has: `/1.jpg` to `/20.jpg`, like the talk's
/// `range(1, 21)`.
pub const CAT_COUNT: u32 = 20;

const WIDTH: u16 = 320;
const HEIGHT: u16 = 240;
/// JPEG quality (1-100): 3.5 to 7.4 KiB a cat, a small photo.
const QUALITY: u8 = 85;

/// The encoded cats, each made on first use.
static CATS: [OnceLock<Vec<u8>>; CAT_COUNT as usize] =
    [const { OnceLock::new() }; CAT_COUNT as usize];

/// The JPEG that `/{n}.jpg` answers, for `n` in `1..=20`; `None` for any
/// other number (the server answers 404).
///
/// A 320 x 240 picture of a cat's face whose fur, eyes, stripes and head
/// size depend on `n`, baseline JPEG at quality 85 from the pure-Rust
/// `jpeg-encoder` crate (without its `simd` feature, so the bytes do not
/// depend on the CPU either): the same `n` gives the same bytes every time.
/// The first call for a cat draws and encodes it (about 2 ms in a release
/// build); later calls return the cached bytes.
pub fn cat_body(n: u32) -> Option<&'static [u8]> {
    let index = usize::try_from(n.checked_sub(1)?).ok()?;
    let cell = CATS.get(index)?;
    Some(cell.get_or_init(|| encode(&draw(n))))
}
// ANCHOR_END: cat_body

fn encode(rgb: &[u8]) -> Vec<u8> {
    let mut jpeg = Vec::with_capacity(16 * 1024);
    Encoder::new(&mut jpeg, QUALITY)
        .encode(rgb, WIDTH, HEIGHT, ColorType::Rgb)
        .expect("a buffer of WIDTH x HEIGHT RGB pixels encodes into a Vec");
    jpeg
}

type Rgb = [u8; 3];

/// Fur colours: ginger, grey, black, cream, brown.
const FUR: [Rgb; 5] = [
    [224, 128, 48],
    [128, 128, 136],
    [40, 36, 36],
    [236, 222, 196],
    [140, 96, 64],
];
/// Eye colours: green, amber, blue.
const EYES: [Rgb; 3] = [[96, 176, 64], [224, 168, 32], [80, 144, 208]];

/// Cat `n` as RGB pixels, row by row. Each pixel is the colour of the
/// topmost shape it falls in: background, ears, head, eyes, pupils, nose.
fn draw(n: u32) -> Vec<u8> {
    let n = i32::try_from(n).expect("cats are numbered 1..=20");
    let fur = FUR[(n % 5) as usize];
    let eye = EYES[(n % 3) as usize];
    let striped = n % 2 == 0;
    let dark = fur.map(|c| c / 2);
    // A pastel background that moves round the colour wheel with n.
    let background: Rgb = [
        (150 + n * 37 % 100) as u8,
        (150 + n * 53 % 100) as u8,
        (150 + n * 71 % 100) as u8,
    ];
    let (cx, cy) = (i32::from(WIDTH) / 2, 130);
    let head = 70 + n * 7 % 20; // radius, 70 to 89 pixels

    let mut rgb =
        Vec::with_capacity(usize::from(WIDTH) * usize::from(HEIGHT) * 3);
    for y in 0..i32::from(HEIGHT) {
        for x in 0..i32::from(WIDTH) {
            let (dx, dy) = (x - cx, y - cy);
            let ear = |side: i32| {
                let base = cx + side * head * 3 / 4;
                inside_triangle(
                    (x, y),
                    (base - side * 45, cy - head / 2),
                    (base + side * 10, cy - head - 35),
                    (base + side * 15, cy - head / 4),
                )
            };
            let eye_at = |side: i32| {
                (x - (cx + side * head * 2 / 5), y - (cy - head / 6))
            };
            let in_eye = |(ex, ey): (i32, i32), rx: i32, ry: i32| {
                ex * ex * ry * ry + ey * ey * rx * rx <= rx * rx * ry * ry
            };
            let mut pixel = background;
            if ear(-1) || ear(1) || dx * dx + dy * dy * 5 / 4 <= head * head {
                let stripe =
                    striped && dy < -head / 3 && (dx + 400) / 9 % 2 == 0;
                pixel = if stripe { dark } else { fur };
            }
            for side in [-1, 1] {
                if in_eye(eye_at(side), 14, 11) {
                    pixel = eye;
                }
                if in_eye(eye_at(side), 3, 10) {
                    pixel = [16, 16, 16];
                }
            }
            if inside_triangle(
                (x, y),
                (cx - 9, cy + 12),
                (cx + 9, cy + 12),
                (cx, cy + 22),
            ) {
                pixel = [232, 120, 140];
            }
            rgb.extend_from_slice(&pixel);
        }
    }
    rgb
}

/// Whether `p` lies in the triangle `a b c` (either winding), edges included.
fn inside_triangle(
    p: (i32, i32),
    a: (i32, i32),
    b: (i32, i32),
    c: (i32, i32),
) -> bool {
    let side = |(x1, y1): (i32, i32), (x2, y2): (i32, i32)| {
        (x2 - x1) * (p.1 - y1) - (y2 - y1) * (p.0 - x1)
    };
    let (d1, d2, d3) = (side(a, b), side(b, c), side(c, a));
    let has_negative = d1 < 0 || d2 < 0 || d3 < 0;
    let has_positive = d1 > 0 || d2 > 0 || d3 > 0;
    !(has_negative && has_positive)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Width and height from the JPEG's start-of-frame marker.
    fn dimensions(jpeg: &[u8]) -> Option<(u16, u16)> {
        let at = jpeg.windows(2).position(|w| w == [0xff, 0xc0])?;
        let word =
            |i: usize| u16::from_be_bytes([jpeg[at + i], jpeg[at + i + 1]]);
        Some((word(7), word(5)))
    }

    #[test]
    fn every_cat_is_a_baseline_jpeg_of_the_same_size() {
        for n in 1..=CAT_COUNT {
            let cat = cat_body(n).expect("cats 1..=20 exist");
            assert!(cat.starts_with(&[0xff, 0xd8, 0xff]), "cat {n}: no SOI");
            assert!(cat.ends_with(&[0xff, 0xd9]), "cat {n}: no EOI");
            assert_eq!(dimensions(cat), Some((WIDTH, HEIGHT)), "cat {n}");
            assert!(
                (2_000..40_000).contains(&cat.len()),
                "cat {n}: {} bytes",
                cat.len()
            );
        }
    }

    #[test]
    fn cats_are_numbered_1_to_20_and_all_differ() {
        assert_eq!(cat_body(0), None);
        assert_eq!(cat_body(CAT_COUNT + 1), None);
        assert_eq!(cat_body(u32::MAX), None);
        let cats: std::collections::BTreeSet<&[u8]> =
            (1..=CAT_COUNT).filter_map(cat_body).collect();
        assert_eq!(cats.len(), CAT_COUNT as usize);
    }

    #[test]
    fn the_same_cat_is_drawn_the_same_way_every_time() {
        assert_eq!(encode(&draw(7)), cat_body(7).unwrap());
        assert_eq!(draw(7).len(), usize::from(WIDTH) * usize::from(HEIGHT) * 3);
    }

    #[test]
    fn triangles_contain_their_corners_and_not_far_points() {
        let (a, b, c) = ((0, 0), (10, 0), (0, 10));
        assert!(inside_triangle((0, 0), a, b, c));
        assert!(inside_triangle((3, 3), a, b, c));
        assert!(inside_triangle((3, 3), a, c, b), "either winding");
        assert!(!inside_triangle((8, 8), a, b, c));
    }
}
