//! Talk 05's deadline on smol (`smol_demo::deadline::wait`, which
//! `examples/s04-deadline-race.rs` runs): what misses it is reported not
//! done, is cancelled, and leaves no file. Run with
//! `cargo test -p smol-demo`.

use std::time::{Duration, Instant};

use smol_demo::{Session, Smol, deadline::wait};
use testkit::{Config, DEFAULT_PAGE_SIZE, Fixture};

#[test]
fn what_misses_the_deadline_is_not_done_and_not_saved() {
    let fx = Fixture::new(Config::instant());
    let fast = fx.pages(4);
    // A minute: no machine is slow enough for the pages to miss a 5 s
    // deadline, or fast enough for these to make it.
    let slow =
        [60_000, 60_001].map(|ms| fx.server.url(&format!("/delay/{ms}")));
    let urls = [&fast[..], &slow[..]].concat();
    let out = fx.out();
    std::fs::create_dir(&out).unwrap();
    let smol = Smol::new();
    let config = timeline::http_config(urls.len());
    let session = Session::new(&config, smol.executor());

    let deadline = Duration::from_secs(5);
    let batch = wait(&smol, &session, &urls, &out, deadline);
    let outcome = smol.block_on(2, batch);

    assert_eq!(outcome.done_urls(), fast);
    let page = Ok(DEFAULT_PAGE_SIZE);
    assert!(outcome.done.iter().all(|(_, r)| *r == page), "{outcome:?}");
    assert_eq!(outcome.not_done, slow);
    // Exactly the four pages, byte for byte, and no temporary files.
    fast.iter().for_each(|url| fx.assert_saved(url));
    assert_eq!(fx.saved_files().len(), 4, "{:?}", fx.saved_files());
    // All six were sent: the slow ones were started, then cancelled, which
    // closed their connections: soon the server has none in flight.
    assert_eq!(fx.server.stats().requests, 6);
    let give_up = Instant::now() + Duration::from_secs(5);
    while fx.server.stats().in_flight > 0 && Instant::now() < give_up {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(fx.server.stats().in_flight, 0, "cancelled, not detached");
}
