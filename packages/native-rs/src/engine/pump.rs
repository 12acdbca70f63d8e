//! The notification pump: a plain thread (never real-time) that sleeps on the
//! stream's futex word and tells JavaScript about ready blocks and finished
//! streams through a caller-supplied function (a napi thread-safe function).
//!
//! Coalescing: at most one "blocks ready" notification is in flight; the JS
//! side clears `notify_pending` before draining, so no block is missed and a
//! busy main thread is not flooded.

use super::signals::Signals;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::thread::JoinHandle;

pub const EVENT_BLOCKS: u32 = 1;
pub const EVENT_FINISHED: u32 = 2;

pub type Notify = Box<dyn Fn(u32) + Send + 'static>;

pub fn spawn(
    signals: Arc<Signals>,
    deliver_blocks: bool,
    notify: Notify,
) -> std::io::Result<JoinHandle<()>> {
    // Read before spawning: a stream that starts and finishes before the
    // new thread first runs must still be reported as finished.
    let mut last_seq = signals.load_seq();
    let mut finishes_seen = signals.finish_count.load(Ordering::Acquire);
    std::thread::Builder::new()
        .name("sounddevice-pump".into())
        .spawn(move || loop {
            let seq = signals.load_seq();
            if signals.shutdown.load(Ordering::Acquire) {
                return;
            }
            let finishes = signals.finish_count.load(Ordering::Acquire);
            if deliver_blocks
                && seq != last_seq
                && !signals.notify_pending.swap(true, Ordering::AcqRel)
            {
                notify(EVENT_BLOCKS);
            }
            if finishes != finishes_seen {
                finishes_seen = finishes;
                notify(EVENT_FINISHED);
            }
            last_seq = seq;
            signals.wait_while(seq);
        })
}
