//! The notification pump: a plain thread (never real-time) that sleeps on the
//! stream's futex word and tells JavaScript about ready blocks and finished
//! streams through a caller-supplied function (a napi thread-safe function).
//!
//! Coalescing: at most one "blocks ready" notification is in flight; the JS
//! side clears `notify_pending` (re-arms) on the event-loop turn after a
//! drain and then drains what came meanwhile, so no block is missed, a busy
//! main thread is not flooded, and an unpaced device cannot starve the event
//! loop.
//!
//! Watchdog: while the stream runs, the pump sleeps at most
//! [`WATCHDOG_PERIOD`] at a time. When the audio thread has made no progress
//! for [`STALL_AFTER`], it asks PortAudio whether the stream is still active;
//! inactive [`STRIKES`] times in a row, without a finished callback, means the
//! host API dropped the stream (PortAudio 19.6's JACK host API does exactly
//! that when the JACK server goes away): the stream is declared lost
//! ([`Signals::declare_host_lost`]) and reported as finished, so JavaScript
//! settles `finished` with an error instead of waiting forever.

use super::signals::{ticker, wait_word_timeout, Signals};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

pub const EVENT_BLOCKS: u32 = 1;
pub const EVENT_FINISHED: u32 = 2;

/// How long the pump sleeps at most while the stream runs.
pub const WATCHDOG_PERIOD: Duration = Duration::from_millis(100);
/// No new frames for this long makes the watchdog ask PortAudio.
pub const STALL_AFTER: Duration = Duration::from_millis(200);
/// Consecutive "inactive" answers (at least [`WATCHDOG_PERIOD`] apart)
/// before the stream is declared lost.
pub const STRIKES: u32 = 2;

pub type Notify = Box<dyn Fn(u32) + Send + 'static>;

/// What the watchdog needs from the stream's owner.
pub struct Watchdog {
    /// PortAudio's `Pa_IsStreamActive`: `Some(active)`, or `None` when it
    /// cannot be asked right now (the stream is busy or closed). Must not
    /// block.
    pub probe: Box<dyn Fn() -> Option<bool> + Send + 'static>,
    /// Called once when the stream has been declared lost.
    pub on_lost: Box<dyn Fn() + Send + 'static>,
}

/// The watchdog's memory between wake-ups.
struct StallState {
    frames: u64,
    progress_at: Instant,
    probed_at: Option<Instant>,
    strikes: u32,
}

impl StallState {
    fn new() -> Self {
        StallState {
            frames: 0,
            progress_at: Instant::now(),
            probed_at: None,
            strikes: 0,
        }
    }

    fn reset(&mut self, frames: u64, now: Instant) {
        self.frames = frames;
        self.progress_at = now;
        self.probed_at = None;
        self.strikes = 0;
    }

    /// One look at the stream; declares it lost when the rules above say so.
    fn check(&mut self, signals: &Signals, dog: &Watchdog) {
        let now = Instant::now();
        let frames = signals.frames.load(Ordering::Relaxed);
        let running =
            signals.running.load(Ordering::Acquire) && !signals.finished.load(Ordering::Acquire);
        if !running || frames != self.frames {
            self.reset(frames, now);
            return;
        }
        if now.duration_since(self.progress_at) < STALL_AFTER
            || self
                .probed_at
                .is_some_and(|at| now.duration_since(at) < WATCHDOG_PERIOD)
        {
            return;
        }
        self.probed_at = Some(now);
        match (dog.probe)() {
            Some(false) => self.strikes += 1,
            _ => self.strikes = 0,
        }
        let still_running =
            signals.running.load(Ordering::Acquire) && !signals.finished.load(Ordering::Acquire);
        if self.strikes >= STRIKES && still_running && signals.declare_host_lost() {
            (dog.on_lost)();
        }
    }
}

pub fn spawn(
    signals: Arc<Signals>,
    deliver_blocks: bool,
    notify: Notify,
    watchdog: Option<Watchdog>,
) -> std::io::Result<JoinHandle<()>> {
    // Read before spawning: a stream that starts and finishes before the
    // new thread first runs must still be reported as finished.
    let mut last_seq = signals.load_seq();
    let mut finishes_seen = signals.finish_count.load(Ordering::Acquire);
    if watchdog.is_some() && !cfg!(any(target_os = "linux", target_os = "android")) {
        ticker::watch(&signals);
    }
    std::thread::Builder::new()
        .name("sounddevice-pump".into())
        .spawn(move || {
            let mut stall = StallState::new();
            loop {
                let state = signals.load_state();
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
                // Without blocks to deliver, sleep on the state word: the
                // audio thread's per-batch wake is for the block takers.
                let (word, seen) = if deliver_blocks {
                    (&signals.seq, seq)
                } else {
                    (&signals.state, state)
                };
                match watchdog.as_ref() {
                    Some(dog) if signals.running.load(Ordering::Acquire) => {
                        wait_word_timeout(word, seen, WATCHDOG_PERIOD);
                        stall.check(&signals, dog);
                    }
                    _ => {
                        stall.reset(signals.frames.load(Ordering::Relaxed), Instant::now());
                        atomic_wait::wait(word, seen);
                    }
                }
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, AtomicU32};
    use std::sync::mpsc;

    /// A pump that delivers no blocks and sends every event it reports to
    /// the returned channel.
    fn spawn_reporting(
        signals: &Arc<Signals>,
        watchdog: Option<Watchdog>,
    ) -> (std::thread::JoinHandle<()>, mpsc::Receiver<u32>) {
        let (tx, rx) = mpsc::channel();
        let notify: Notify = Box::new(move |e| {
            let _ = tx.send(e);
        });
        (spawn(signals.clone(), false, notify, watchdog).unwrap(), rx)
    }

    fn dog(active: Arc<AtomicBool>, lost: Arc<AtomicU32>) -> Watchdog {
        Watchdog {
            probe: Box::new(move || Some(active.load(Ordering::Acquire))),
            on_lost: Box::new(move || {
                lost.fetch_add(1, Ordering::AcqRel);
            }),
        }
    }

    #[test]
    fn a_running_stream_that_portaudio_calls_inactive_is_declared_lost_and_reported_finished() {
        let signals = Arc::new(Signals::default());
        signals.reset_for_start();
        let active = Arc::new(AtomicBool::new(true));
        let lost = Arc::new(AtomicU32::new(0));
        let (pump, rx) = spawn_reporting(&signals, Some(dog(active.clone(), lost.clone())));
        // Stalled but still active for a while: nothing happens.
        std::thread::sleep(STALL_AFTER + WATCHDOG_PERIOD * 3);
        assert_eq!(lost.load(Ordering::Acquire), 0);
        assert!(!signals.host_lost.load(Ordering::Acquire));
        // The host API drops the stream without a finished callback.
        let dropped = Instant::now();
        active.store(false, Ordering::Release);
        let event = rx
            .recv_timeout(Duration::from_secs(2))
            .expect("finished event");
        assert_eq!(event, EVENT_FINISHED);
        assert!(
            dropped.elapsed() < Duration::from_secs(1),
            "{:?}",
            dropped.elapsed()
        );
        assert!(signals.host_lost.load(Ordering::Acquire));
        assert!(signals.finished.load(Ordering::Acquire));
        assert!(!signals.running.load(Ordering::Acquire));
        assert_eq!(lost.load(Ordering::Acquire), 1);
        signals.shutdown.store(true, Ordering::Release);
        signals.bump_and_wake();
        pump.join().unwrap();
    }

    #[test]
    fn a_stream_that_makes_progress_or_finishes_normally_is_never_declared_lost() {
        let signals = Arc::new(Signals::default());
        signals.reset_for_start();
        let active = Arc::new(AtomicBool::new(false)); // PortAudio would say inactive
        let lost = Arc::new(AtomicU32::new(0));
        let pump = spawn(
            signals.clone(),
            false,
            Box::new(|_| {}),
            Some(dog(active, lost.clone())),
        )
        .unwrap();
        // Frames keep coming: no stall, no probe.
        let end = Instant::now() + STALL_AFTER * 3;
        while Instant::now() < end {
            signals.frames.fetch_add(256, Ordering::Relaxed);
            signals.bump_and_wake();
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(lost.load(Ordering::Acquire), 0);
        // A normal finish (the finished callback ran): no probe either.
        signals.running.store(false, Ordering::Release);
        signals.finished.store(true, Ordering::Release);
        signals.bump_and_wake();
        std::thread::sleep(STALL_AFTER + WATCHDOG_PERIOD * 3);
        assert_eq!(lost.load(Ordering::Acquire), 0);
        assert!(!signals.host_lost.load(Ordering::Acquire));
        signals.shutdown.store(true, Ordering::Release);
        signals.bump_and_wake();
        pump.join().unwrap();
    }

    #[test]
    fn the_timed_wait_returns_after_its_timeout_and_at_once_on_a_wake() {
        let signals = Arc::new(Signals::default());
        let t0 = Instant::now();
        signals.wait_while_timeout(signals.load_seq(), Duration::from_millis(50));
        let waited = t0.elapsed();
        assert!(waited >= Duration::from_millis(40), "{waited:?}");
        assert!(waited < Duration::from_secs(1), "{waited:?}");
        let s2 = signals.clone();
        let seen = signals.load_seq();
        let waker = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(20));
            s2.bump_and_wake();
        });
        let t0 = Instant::now();
        signals.wait_while_timeout(seen, Duration::from_secs(5));
        assert!(t0.elapsed() < Duration::from_secs(2));
        waker.join().unwrap();
    }

    #[test]
    fn the_portable_ticker_wakes_sleepers_of_running_streams() {
        let signals = Arc::new(Signals::default());
        signals.running.store(true, Ordering::Release);
        ticker::watch(&signals);
        let seen = signals.load_seq();
        let t0 = Instant::now();
        // Untimed wait: only the ticker (or a spurious wake) ends it.
        signals.wait_while(seen);
        assert!(t0.elapsed() < ticker::PERIOD * 20, "{:?}", t0.elapsed());
        assert_eq!(signals.load_seq(), seen); // woken, not bumped
                                              // Used up to here; not running: the ticker leaves it alone.
        signals.running.store(false, Ordering::Release);
        ticker::tick();
    }

    #[test]
    fn a_pump_without_blocks_to_deliver_sleeps_through_block_wakes_but_not_state_changes() {
        let signals = Arc::new(Signals::default());
        let (pump, rx) = spawn_reporting(&signals, None);
        let state = signals.load_state();
        for _ in 0..1000 {
            signals.bump_and_wake_blocks();
        }
        assert_eq!(
            signals.load_state(),
            state,
            "block wakes leave the state word alone"
        );
        assert!(rx.recv_timeout(Duration::from_millis(100)).is_err());
        // A finished stream is a state change: reported at once.
        signals.finish_count.fetch_add(1, Ordering::AcqRel);
        signals.bump_and_wake();
        assert_eq!(rx.recv_timeout(Duration::from_secs(2)), Ok(EVENT_FINISHED));
        signals.shutdown.store(true, Ordering::Release);
        signals.bump_and_wake();
        pump.join().unwrap();
    }
}
