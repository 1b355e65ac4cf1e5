//! Talk 05: a made-up domain among good URLs. One failure; the rest are
//! downloaded and saved.
//!
//! Talk 05's list is four news sites and `http://some-made-up-domain.com/`.
//! Here: the first four URLs of `urls.txt` and a host under `.invalid`, a
//! top-level domain reserved never to resolve (the `.com` one might be
//! registered some day). Each URL is a `Result`, so the failure is a value
//! like any other: the pool's `map` hands back five results, in order, and
//! the bad one names its cause in the wording every demo shares. No
//! exception escapes a worker, and none is swallowed either.
//!
//! ```text
//! cargo run -p demo-server                     # another terminal
//! cargo run -p thread-pool-demo --example s05-made-up-domain
//! ```
//! Optional argument: the URL file (default `urls.txt`). Files go to
//! `downloads/`.

use std::path::Path;
use std::time::Duration;

use rayon::prelude::*;
use shared::{HttpConfig, Session};
use shared::{filename_for_url, get_url_content, write_to_file};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let file = std::env::args().nth(1).unwrap_or_else(|| "urls.txt".into());
    let mut urls: Vec<String> =
        shared::urls(&file)?.urls.into_iter().take(4).collect();
    urls.insert(2, "http://some-made-up-domain.invalid/".to_owned());
    let out = Path::new("downloads");
    shared::prepare_out_dir(out)?;
    let session = Session::new(&HttpConfig {
        timeout: Duration::from_secs(10),
        connect_timeout: Duration::from_secs(5),
        max_bytes: 64 << 20,
        pool_size: 5,
    });

    let pool = rayon::ThreadPoolBuilder::new().num_threads(5).build()?;
    let results: Vec<shared::Result<usize>> = pool.install(|| {
        urls.par_iter()
            .map(|url| save(&session, url, out))
            .collect()
    });
    for (url, result) in urls.iter().zip(results) {
        match result {
            Ok(bytes) => println!("saved  {url} ({bytes} bytes)"),
            Err(e) => println!("failed {url}: {e}"),
        }
    }
    Ok(())
}

/// Download `url` and save it under `out`; the body's length.
fn save(session: &Session, url: &str, out: &Path) -> shared::Result<usize> {
    let content = get_url_content(session, url)?;
    write_to_file(&filename_for_url(url, out), &content)?;
    Ok(content.len())
}
