//! What crosses the network, as bytes: a job (client to broker to
//! worker) and a reply (worker to broker to client).
//!
//! Celery pickles or JSON-encodes a task's arguments for you and finds out
//! at run time when one does not encode. Here every type that travels
//! derives serde's traits, the shared crate's `Task` and `Error` under its
//! `serde` feature (as multiprocess-demo's pipes use them).

use serde::{Deserialize, Serialize};
use shared::{Error, HttpConfig, Task};

/// One job on the queue: what to do, and where to send the answer.
#[derive(Debug, Serialize, Deserialize)]
pub struct Job {
    /// Unique within its run: the client matches replies by it, and drops
    /// the second reply of a job that was done twice.
    pub id: u64,
    /// The list the reply goes to: one per client run.
    pub reply_to: String,
    /// The client's `--timeout` and `--max-bytes` (downloads only): the
    /// worker builds its `Session` with them, so a run's limits hold
    /// whichever host does the download.
    pub limits: Option<HttpConfig>,
    /// The URL or the CPU task.
    pub item: Item,
}

/// One unit of work.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Item {
    /// Download this URL; the body comes back in the reply.
    Download(String),
    /// Run this CPU task; the answer comes back.
    Compute(Task),
}

impl Item {
    /// How the report names it.
    pub fn name(&self) -> String {
        match self {
            Item::Download(url) => url.clone(),
            Item::Compute(task) => task.name(),
        }
    }
}

/// The first part of a reply, one JSON line; a downloaded body follows
/// it as raw bytes (Redis values are binary-safe, so no base64).
#[derive(Debug, Serialize, Deserialize)]
pub struct Header {
    /// The [`Job::id`] this answers.
    pub id: u64,
    /// How long the worker took, by its own clock: the client times the
    /// item back from the reply's arrival, so hosts' clocks need not agree.
    pub seconds: f64,
    /// Which worker did it (`host-pid-xxxx`).
    pub worker: String,
    /// What happened.
    pub outcome: Outcome,
}

/// What a worker made of one job.
#[derive(Debug, Serialize, Deserialize)]
pub enum Outcome {
    /// Downloaded: the body follows the header.
    Body,
    /// A CPU task's answer.
    Answer(String),
    /// Failed, in the shared wording.
    Failed(Error),
}

/// A reply as it is stored on the broker: the header, `\n`, the body.
/// Compact JSON never holds a raw newline, so the first one ends it.
pub fn reply(header: &Header, body: &[u8]) -> Vec<u8> {
    let mut bytes = serde_json::to_vec(header).expect("a Header serialises");
    bytes.push(b'\n');
    bytes.extend_from_slice(body);
    bytes
}

/// Splits a stored reply into its header and body.
pub fn parse_reply(bytes: &[u8]) -> Result<(Header, &[u8]), String> {
    let end = bytes
        .iter()
        .position(|&b| b == b'\n')
        .ok_or("no header line")?;
    let header = serde_json::from_slice(&bytes[..end])
        .map_err(|e| format!("not a reply header: {e}"))?;
    Ok((header, &bytes[end + 1..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_is_a_header_line_then_the_raw_body() {
        let body = b"line one\nline two\n\0\xff";
        let header = Header {
            id: 7,
            seconds: 0.5,
            worker: "host-1-abcd".into(),
            outcome: Outcome::Body,
        };
        let bytes = reply(&header, body);
        let (back, rest) = parse_reply(&bytes).unwrap();
        assert_eq!(back.id, 7);
        assert!(matches!(back.outcome, Outcome::Body), "{back:?}");
        assert_eq!(rest, body);
    }

    #[test]
    fn errors_cross_with_their_wording() {
        let refused = Error::refused("http://127.0.0.1:9/pages/x");
        let text = refused.to_string();
        let header = Header {
            id: 1,
            seconds: 0.0,
            worker: "w".into(),
            outcome: Outcome::Failed(refused),
        };
        let (back, _) = parse_reply(&reply(&header, b"")).unwrap();
        let Outcome::Failed(error) = back.outcome else {
            panic!("not a failure: {back:?}");
        };
        assert_eq!(error.to_string(), text);
        // The report's "is the demo server running?" hint depends on it.
        assert!(error.is_local_refusal());
    }

    #[test]
    fn jobs_cross_with_their_task() {
        let job = Job {
            id: 3,
            reply_to: "r".into(),
            limits: None,
            item: Item::Compute(Task::Hash { seed: 3, rounds: 7 }),
        };
        let back: Job =
            serde_json::from_slice(&serde_json::to_vec(&job).unwrap()).unwrap();
        assert_eq!(back.item.name(), job.item.name());
        assert!(parse_reply(b"no newline").is_err());
    }
}
