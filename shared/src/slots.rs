//! `--workers N` for tasks: a semaphore whose permits carry a number.
//!
//! Python bounds `asyncio.gather` with `async with semaphore:`; Rust does
//! the same with `semaphore.acquire().await`. This is `async_lock`'s
//! semaphore, which needs no particular runtime, so tokio-demo,
//! async-std-demo and smol-demo share it. The only addition is a slot
//! number (0..N) held with each permit, so the `--trace` rows show real
//! lanes of concurrency: no two tasks on the same slot ever overlap. Try
//! `cargo run -p smol-demo -- --workers 5 --trace trace.jsonl` and look at
//! the `worker` column.

use std::sync::{Arc, Mutex};

use async_lock::{Semaphore, SemaphoreGuardArc};

/// At most `workers` of `items` at once. Clone it into each task.
#[derive(Clone, Debug)]
pub struct Slots {
    /// `None` when there is a slot for every item: nobody ever waits, and
    /// the slot is simply the item's index (the unbounded gather).
    limit: Option<Arc<Limit>>,
}

#[derive(Debug)]
struct Limit {
    permits: Arc<Semaphore>,
    /// The slot numbers not taken right now; a permit guarantees one.
    free: Mutex<Vec<usize>>,
}

impl Slots {
    /// `workers` slots for `items` items.
    pub fn new(workers: usize, items: usize) -> Slots {
        if workers >= items {
            return Slots { limit: None };
        }
        Slots {
            limit: Some(Arc::new(Limit {
                permits: Arc::new(Semaphore::new(workers)),
                // Reversed, so the first tasks get slots 0, 1, 2, ...
                free: Mutex::new((0..workers).rev().collect()),
            })),
        }
    }

    /// Waits for a free slot for item number `index`. The slot is given
    /// back when the returned [`Slot`] is dropped, even if the task is
    /// cancelled while it holds it.
    pub async fn take(&self, index: usize) -> Slot {
        let Some(limit) = &self.limit else {
            return Slot {
                id: index,
                held: None,
            };
        };
        let permit = limit.permits.acquire_arc().await;
        let id = limit
            .free
            .lock()
            .expect("nobody panics while holding the slot list")
            .pop()
            .expect("a permit guarantees a free slot");
        Slot {
            id,
            held: Some((permit, Arc::clone(limit))),
        }
    }
}

/// One taken slot; dropping it frees the slot for the next task.
#[derive(Debug)]
pub struct Slot {
    id: usize,
    held: Option<(SemaphoreGuardArc, Arc<Limit>)>,
}

impl Slot {
    /// The slot number, 0..workers: the `worker` of the trace.
    pub fn id(&self) -> usize {
        self.id
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        if let Some((permit, limit)) = self.held.take() {
            // Number first, permit second: whoever gets the permit next
            // must find a number in the list.
            if let Ok(mut free) = limit.free.lock() {
                free.push(self.id);
            }
            drop(permit);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_numbered_and_given_back() {
        smol::block_on(async {
            let slots = Slots::new(2, 10);
            let a = slots.take(0).await;
            let b = slots.take(1).await;
            assert_eq!((a.id(), b.id()), (0, 1));
            // Both taken: a third must wait (polled once, it is not
            // ready)...
            assert!(smol::future::poll_once(slots.take(2)).await.is_none());
            // ...until one is given back, and then it gets that number.
            drop(b);
            assert_eq!(slots.take(2).await.id(), 1);
            drop(a);
        });
    }

    #[test]
    fn unbounded_slots_are_the_index() {
        smol::block_on(async {
            let slots = Slots::new(5, 5);
            let taken = [slots.take(3).await, slots.take(4).await];
            assert_eq!(taken.map(|s| s.id()), [3, 4]);
        });
    }
}
