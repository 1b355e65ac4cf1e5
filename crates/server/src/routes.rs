//! The routes of `demo-server` and the two middlewares that wrap them.
//!
//! Part of `demo-server` (run it with `cargo run -p demo-server`; the route
//! list is in the crate's README). Layering, outermost first:
//!
//! 1. `gate`: counts the request, waits for a `--max-concurrency` permit,
//!    then counts it in flight. Every route except `/stats` goes through it.
//! 2. `simulated_latency`: sleeps `latency ± jitter`. Every route except
//!    `/stats` and `/delay/{ms}` (which waits exactly what it is asked).
//!
//! Because the gate wraps the sleep, a request waiting on its latency holds
//! its permit and counts as in flight, like a request a real server is busy
//! answering.

use std::sync::{Arc, Mutex};

use axum::{
    Json, Router,
    body::{Body, Bytes},
    extract::{Path, Query, Request, State},
    http::{
        StatusCode,
        header::{CONTENT_LENGTH, CONTENT_TYPE, LOCATION},
    },
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use futures::StreamExt;
use serde::Deserialize;
use tokio::sync::Semaphore;
use tower_http::services::ServeDir;

use crate::{
    Config,
    bodies::{
        BookCache, DEFAULT_BOOK_SIZE, DEFAULT_PAGE_SIZE, MAX_BODY_SIZE,
        book_body, bytes_body, page_body,
    },
    cats::cat_body,
    stats::{Counters, Stats},
};

/// Longest `/delay/{ms}` accepted: one hour. Longer is surely a typo.
const MAX_DELAY_MS: u64 = 60 * 60 * 1000;

/// What every handler and middleware shares.
struct AppState {
    config: Config,
    counters: Arc<Counters>,
    /// `Some` when `--max-concurrency` is set: one permit per request.
    limit: Option<Semaphore>,
    /// Books generated so far. A std `Mutex`, not tokio's: it is held for
    /// a lookup or an insert, never across an `.await`.
    books: Mutex<BookCache>,
}

/// The whole application: every route, with latency, limits and counting.
///
/// `counters` is where the server counts; keep a clone to read them without
/// HTTP (that is what `Background::stats` does). The router does not count
/// connections, since it never sees them: [`crate::serve_with_counters`]
/// does.
pub fn router(config: Config, counters: Arc<Counters>) -> Router {
    let limit = config
        .max_concurrency
        // Zero permits would hang every request forever: treat it as 1.
        .map(|n| Semaphore::new(n.clamp(1, Semaphore::MAX_PERMITS)));
    let dir = config.dir.clone();
    let state = Arc::new(AppState {
        config,
        counters,
        limit,
        books: Mutex::default(),
    });

    let mut slow = Router::new()
        .route("/pages/{name}", get(page))
        .route("/books/{name}", get(book))
        .route("/status/{code}", get(status))
        .route("/bytes/{n}", get(bytes))
        .route("/truncated/{n}", get(truncated))
        .route("/redirect/{n}", get(redirect))
        .route("/redirect-loop", get(redirect_loop))
        // Talk 02's cats, `/1.jpg` to `/20.jpg`. Static routes (`/stats`,
        // `/redirect-loop`) win over this capture; it takes any other
        // one-segment path and answers 404 for what is not a cat.
        .route("/{file}", get(cat));
    if let Some(dir) = dir {
        // ServeDir percent-decodes the path and refuses any `..` (or other
        // non-plain component) with a 404, so nothing outside `dir` can be
        // reached. The tests check it with raw requests.
        slow = slow.nest_service("/static", ServeDir::new(dir));
    }
    let slow = slow
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(
            Arc::clone(&state),
            simulated_latency,
        ));

    // `layer` wraps only the routes added before it: `/delay` skips the
    // latency, `/stats` skips both layers.
    slow.route("/delay/{ms}", get(delay))
        .layer(middleware::from_fn_with_state(Arc::clone(&state), gate))
        .route("/stats", get(stats))
        .route("/stats/reset", post(reset_stats))
        .with_state(state)
}

/// Counts the request, then holds a concurrency permit and an in-flight
/// mark while the rest of the stack (latency sleep, handler) runs.
async fn gate(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    state.counters.count_request();
    let _permit = match &state.limit {
        Some(limit) => Some(
            limit
                .acquire()
                .await
                .expect("the semaphore is never closed"),
        ),
        None => None,
    };
    // Counted after the permit: queued requests are not "being handled",
    // so `peak_in_flight` never exceeds `--max-concurrency`.
    let _in_flight = state.counters.enter();
    // Permit and mark are released when the response head is ready; the
    // body then streams on its own (instant for all but big `/bytes/`).
    next.run(request).await
}

/// Sleeps the configured `latency ± jitter` before answering, so demos wait
/// on I/O the way they would against a real, distant server.
async fn simulated_latency(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    let wait = state.config.sample_latency();
    if !wait.is_zero() {
        tokio::time::sleep(wait).await;
    }
    next.run(request).await
}

/// The `?size=N` of `/pages/` and `/books/`.
#[derive(Deserialize)]
struct PageQuery {
    size: Option<usize>,
}

/// `/pages/{name}?size=N`: the page body, or an injected 500.
async fn page(
    State(state): State<Arc<AppState>>,
    Path(name): Path<String>,
    Query(query): Query<PageQuery>,
) -> Response {
    let fail_rate = state.config.fail_rate;
    // `f64()` is in [0, 1): a rate of 1.0 always fails, 0.0 (or NaN) never.
    if fail_rate > 0.0 && fastrand::f64() < fail_rate {
        state.counters.count_failure();
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            "injected failure (--fail-rate)\n",
        )
            .into_response();
    }
    let size = query.size.unwrap_or(DEFAULT_PAGE_SIZE);
    if size > MAX_BODY_SIZE {
        return bad_request(format!("size {size} is over {MAX_BODY_SIZE}"));
    }
    (
        [(CONTENT_TYPE, "text/plain; charset=utf-8")],
        page_body(&name, size),
    )
        .into_response()
}

/// `/books/{name}?size=N`: a book's worth of word-like text (talk 03's
/// Gutenberg downloads), generated once and then served from the cache.
/// Not subject to `--fail-rate`, like every route but `/pages/`.
async fn book(
    State(state): State<Arc<AppState>>,
    Path(name): Path<String>,
    Query(query): Query<PageQuery>,
) -> Response {
    let size = query.size.unwrap_or(DEFAULT_BOOK_SIZE);
    if size > MAX_BODY_SIZE {
        return bad_request(format!("size {size} is over {MAX_BODY_SIZE}"));
    }
    let cached = lock(&state.books).get(&name, size);
    let body = match cached {
        Some(body) => body,
        None => {
            // Generating a big book takes a while: on the blocking pool,
            // so the runtime's two threads keep answering other requests
            // (and waking sleeping ones on time) meanwhile.
            let key = name.clone();
            let body = tokio::task::spawn_blocking(move || {
                Bytes::from(book_body(&key, size))
            })
            .await
            .expect("book_body does not panic");
            lock(&state.books).insert(name, size, body.clone());
            body
        }
    };
    ([(CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}

/// Locks the book cache. A panic while holding it could only come from a
/// bug in `BookCache`, and its data would still be valid, so a poisoned
/// lock is used as is.
fn lock(books: &Mutex<BookCache>) -> std::sync::MutexGuard<'_, BookCache> {
    books
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// `/{n}.jpg`: talk 02's cat `n`, as its nginx served it from a folder.
///
/// With `--dir`, a file of that name in the folder (`DIR/3.jpg`) wins,
/// as if the folder were the talk's nginx volume; otherwise cats 1 to 20
/// are the generated ones ([`cat_body`]). Only names made of decimal digits
/// and `.jpg` are looked up, so no path can leave the folder; `/01.jpg`
/// is not cat 1 (nginx would not find it either).
async fn cat(
    State(state): State<Arc<AppState>>,
    Path(file): Path<String>,
) -> Response {
    let Some(digits) = file.strip_suffix(".jpg").filter(|digits| {
        !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
    }) else {
        return not_found().await;
    };
    if let Some(dir) = &state.config.dir {
        match tokio::fs::read(dir.join(&file)).await {
            Ok(bytes) => return jpeg(Body::from(bytes)),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
            Err(err) => {
                let why = format!("cannot read {file} from --dir: {err}\n");
                return (StatusCode::INTERNAL_SERVER_ERROR, why)
                    .into_response();
            }
        }
    }
    let generated = digits
        .parse()
        .ok()
        .filter(|n: &u32| n.to_string() == digits)
        .and_then(cat_body);
    match generated {
        Some(body) => jpeg(Body::from(Bytes::from_static(body))),
        None => not_found().await,
    }
}

fn jpeg(body: Body) -> Response {
    ([(CONTENT_TYPE, "image/jpeg")], body).into_response()
}

/// `/delay/{ms}`: waits exactly that long (no base latency on top).
async fn delay(Path(ms): Path<u64>) -> Response {
    if ms > MAX_DELAY_MS {
        return bad_request(format!("delay {ms} ms is over {MAX_DELAY_MS}"));
    }
    tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
    format!("waited {ms} ms\n").into_response()
}

/// `/status/{code}`: answers with that status.
async fn status(Path(code): Path<u16>) -> Response {
    match StatusCode::from_u16(code) {
        // hyper cannot send a 1xx as the final response (it would turn it
        // into a 500 and drop the connection): say so plainly instead.
        Ok(s) if s.is_informational() => (
            StatusCode::NOT_IMPLEMENTED,
            format!("{code}: a 1xx status cannot be a final response\n"),
        )
            .into_response(),
        Ok(s) if code <= 599 => {
            let reason = s.canonical_reason().unwrap_or("");
            (s, format!("{code} {reason}\n")).into_response()
        }
        _ => bad_request(format!("{code} is not a status in 100..=599")),
    }
}

/// `/bytes/{n}`: `n` deterministic bytes.
async fn bytes(Path(n): Path<usize>) -> Response {
    if n > MAX_BODY_SIZE {
        return bad_request(format!("{n} bytes is over {MAX_BODY_SIZE}"));
    }
    // `Vec<u8>` answers `application/octet-stream`.
    bytes_body(n).into_response()
}

/// `/truncated/{n}`: promises `n` bytes (`Content-Length: n`), sends the
/// first half of `/bytes/{n}`, then hangs up: a download cut short, which a
/// client must report as failed instead of saving half a file.
///
/// The body is a stream whose second item is an error: hyper cannot finish
/// a response it promised `n` bytes for, so it closes the connection.
async fn truncated(Path(n): Path<usize>) -> Response {
    if n > MAX_BODY_SIZE {
        return bad_request(format!("{n} bytes is over {MAX_BODY_SIZE}"));
    }
    let mut half = bytes_body(n);
    half.truncate(n / 2);
    let first = futures::stream::once(async { Ok(Bytes::from(half)) });
    let then_fail = futures::stream::once(async {
        // Pause first: hyper sends what it has when the body is not
        // ready, so the head and the first half leave before the error.
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        Err(std::io::Error::other("cut short on purpose (/truncated/)"))
    });
    (
        [(CONTENT_LENGTH, n.to_string())],
        Body::from_stream(first.chain(then_fail)),
    )
        .into_response()
}

/// `/redirect/{n}`: 302 to `/redirect/{n-1}`; the last hop lands on
/// `/pages/redirected`.
async fn redirect(Path(n): Path<u32>) -> Response {
    match n.checked_sub(1) {
        Some(next) => found(format!("/redirect/{next}")),
        None => found("/pages/redirected".to_owned()),
    }
}

/// `/redirect-loop`: 302 to itself, forever; for "too many redirects".
async fn redirect_loop() -> Response {
    found("/redirect-loop".to_owned())
}

/// A 302 Found. Written out because axum's `Redirect` only offers 303, 307
/// and 308, and 302 is what most of the web (and the talk) uses.
fn found(location: String) -> Response {
    (StatusCode::FOUND, [(LOCATION, location)], "redirecting\n").into_response()
}

async fn stats(State(state): State<Arc<AppState>>) -> Json<Stats> {
    Json(state.counters.snapshot())
}

async fn reset_stats(State(state): State<Arc<AppState>>) -> Json<Stats> {
    state.counters.reset();
    Json(state.counters.snapshot())
}

async fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "not found\n").into_response()
}

fn bad_request(why: String) -> Response {
    (StatusCode::BAD_REQUEST, why + "\n").into_response()
}
