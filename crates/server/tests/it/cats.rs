//! Talk 02's cats through real HTTP: `/1.jpg` to `/20.jpg`, and a `--dir`
//! folder's own `N.jpg` in their place (the talk's nginx volume).
//!
//! Run: `cargo test -p demo-server cats::`. Same helpers and bounds as
//! `routes`: every request has a timeout, every loop a fixed count.

use demo_server::{CAT_COUNT, Config, cat_body};

use crate::routes::{agent, content_type_of, get, start, status_of};

#[test]
fn the_twenty_cats_are_jpegs_with_the_library_s_bytes() {
    let server = start(Config::instant());
    let agent = agent();
    for n in 1..=CAT_COUNT {
        let url = server.url(&format!("/{n}.jpg"));
        let (status, body) = get(&agent, &url);
        assert_eq!(status, 200, "GET {url}");
        let expected = cat_body(n).expect("cats 1..=20 exist");
        assert!(body == expected, "GET {url}: not cat_body({n})");
        assert_eq!(content_type_of(&agent, &url), "image/jpeg", "GET {url}");
    }
    // Asked again, the same bytes (served from memory now).
    assert_eq!(get(&agent, &server.url("/7.jpg")).1, cat_body(7).unwrap());
}

#[test]
fn only_cats_1_to_20_exist() {
    let server = start(Config::instant());
    let agent = agent();
    for path in [
        "/0.jpg",
        "/21.jpg",
        "/01.jpg",
        "/-1.jpg",
        "/.jpg",
        "/cat.jpg",
        "/1.png",
        "/1.jpg.bak",
        "/99999999999999999999.jpg",
    ] {
        assert_eq!(status_of(&agent, &server.url(path)), 404, "GET {path}");
    }
}

#[test]
fn a_dir_s_own_cats_replace_the_generated_ones() {
    let folder = tempfile::tempdir().expect("can create a temp folder");
    let mine = b"\xff\xd8\xff my own cat, not a real JPEG \xff\xd9";
    std::fs::write(folder.path().join("3.jpg"), mine).expect("can write 3.jpg");
    std::fs::write(folder.path().join("21.jpg"), b"a 21st cat")
        .expect("can write 21.jpg");
    std::fs::write(folder.path().join("notes.txt"), b"hello")
        .expect("can write notes.txt");
    let server = start(Config {
        dir: Some(folder.path().to_owned()),
        ..Config::instant()
    });
    let agent = agent();

    let url = server.url("/3.jpg");
    assert_eq!(get(&agent, &url), (200, mine.to_vec()), "GET {url}");
    assert_eq!(content_type_of(&agent, &url), "image/jpeg", "GET {url}");
    // A cat the folder does not have is still the generated one...
    let (status, body) = get(&agent, &server.url("/4.jpg"));
    assert!(status == 200 && body == cat_body(4).unwrap(), "GET /4.jpg");
    // ... the folder may have more cats than 20, like nginx's volume ...
    let (status, body) = get(&agent, &server.url("/21.jpg"));
    assert_eq!((status, body.as_slice()), (200, b"a 21st cat".as_slice()));
    // ... and the folder is still under /static/, cats included.
    assert_eq!(get(&agent, &server.url("/static/3.jpg")).1, mine.to_vec());
    assert_eq!(status_of(&agent, &server.url("/notes.txt")), 404);
    assert_eq!(status_of(&agent, &server.url("/22.jpg")), 404);
}
