//! The two cases where the audio thread waits for its client (design.md,
//! "Threads": each chosen by the user or by the device, never by accident):
//!
//! - **Unpaced devices** (`pa::pacing`): a device that asks for blocks as
//!   fast as it gets them has no deadline to miss, so the audio thread waits
//!   for the program for as long as it takes: output queued by `write()` or a
//!   callback plays back to back, input is never dropped.
//! - **Synchronous callbacks** (`cushion: 0`): the audio thread hands the
//!   block over and waits for its output until the block's deadline, as
//!   Python's callback runs on the audio thread. A late answer is dropped
//!   when it comes (`RingsRt::owed`), so the latency never grows.
//!
//! Every wait ends at once when the stream is halted (`stop`/`abort`/
//! `close` is about to call PortAudio, which waits for the audio thread),
//! aborted, stopped by `CallbackStop` or shut down: nothing can hang on it.
//! The waits sleep on `Signals::client_seq`, which the client bumps (and
//! wakes) whenever it queues output or takes input.

use super::signals::{now_ns, wait_word_briefly, Signals};
use std::sync::atomic::Ordering;
use std::time::Duration;

/// The longest single sleep: released waits are noticed within this even
/// if a wake were missed.
const MAX_NAP: Duration = Duration::from_millis(5);

/// Share of a block's duration a synchronous callback may take before the
/// audio thread gives up on it (the rest is left for PortAudio and the host).
pub const SYNC_DEADLINE_SHARE: f64 = 0.8;

/// How long the audio thread may wait.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Limit {
    /// Until the client answers or the wait is released (unpaced devices).
    Unbounded,
    /// Until this [`now_ns`] time at the latest (synchronous callbacks).
    Until(u64),
}

/// True when every wait of the audio thread must end now.
#[inline]
pub fn released(sig: &Signals) -> bool {
    sig.halt.load(Ordering::Acquire)
        || sig.abort_requested.load(Ordering::Acquire)
        || sig.stop_requested.load(Ordering::Acquire)
        || sig.shutdown.load(Ordering::Acquire)
}

/// Waits (audio thread) until `ready()`; returns its last answer. Gives up
/// when released or past the limit. No allocation, no lock: futex waits of
/// at most [`MAX_NAP`] each.
pub fn wait_for_client(sig: &Signals, limit: Limit, mut ready: impl FnMut() -> bool) -> bool {
    sig.rt_waiting.store(true, Ordering::SeqCst);
    let answered = loop {
        let seen = sig.client_seq.load(Ordering::SeqCst);
        if ready() {
            break true;
        }
        if released(sig) {
            break false;
        }
        let nap = match limit {
            Limit::Unbounded => MAX_NAP,
            Limit::Until(deadline) => {
                let now = now_ns();
                if now >= deadline {
                    break false;
                }
                Duration::from_nanos(deadline - now).min(MAX_NAP)
            }
        };
        wait_word_briefly(&sig.client_seq, seen, nap);
    };
    sig.rt_waiting.store(false, Ordering::SeqCst);
    answered
}

/// Whether the device keeps time, as the audio thread sees it: known at
/// open time (`pa::pacing`), or found when blocks come faster than the
/// clock allows. A paced device cannot run ahead of the wall clock by more
/// than its buffer (PortAudio's latency) plus a few blocks; an unpaced one
/// runs ahead by seconds within milliseconds.
#[derive(Debug, Clone)]
pub struct Pacing {
    /// Found unpaced before the stream started (`pa::pacing`).
    pub known_unpaced: bool,
    /// Unpaced in this run (known, or found at run time).
    pub unpaced: bool,
    sample_rate: f64,
    /// Frames a paced device may run ahead of the clock.
    slack_frames: f64,
    /// Look for an unpaced device at run time (off only in tests that drive
    /// the callback by hand, faster than any clock).
    detect: bool,
    /// When the first block of this run came ([`now_ns`]; 0: not yet).
    first_block_at: u64,
    frames: u64,
}

impl Pacing {
    /// `block_frames`: the block size (or a typical one). The latency is
    /// set once PortAudio has told it ([`Pacing::set_latency`]).
    pub fn new(known_unpaced: bool, sample_rate: f64, block_frames: usize) -> Self {
        // The audio thread reads the clock (`now_ns`): it must be set first.
        super::signals::init_clock();
        let mut p = Pacing {
            known_unpaced,
            unpaced: known_unpaced,
            sample_rate,
            slack_frames: 0.0,
            detect: true,
            first_block_at: 0,
            frames: 0,
        };
        p.set_latency(0.0, block_frames);
        p
    }

    /// Pacing known in advance, never looked for at run time (tests that
    /// call the audio callback by hand).
    pub fn fixed(unpaced: bool, sample_rate: f64) -> Self {
        Pacing {
            detect: false,
            ..Pacing::new(unpaced, sample_rate, 256)
        }
    }

    /// `latency`: the larger of PortAudio's input and output latency in
    /// seconds. A paced device may run ahead of the clock by twice that,
    /// eight blocks and 100 ms (scheduling hiccups caught up in a burst).
    pub fn set_latency(&mut self, latency: f64, block_frames: usize) {
        self.slack_frames =
            2.0 * latency * self.sample_rate + 8.0 * block_frames as f64 + 0.1 * self.sample_rate;
    }

    /// Before a (re)start: forget what this run found.
    pub fn reset(&mut self) {
        self.unpaced = self.known_unpaced;
        self.first_block_at = 0;
        self.frames = 0;
    }

    /// The duration of a block of `frames`, in seconds.
    pub fn block_seconds(&self, frames: usize) -> f64 {
        frames as f64 / self.sample_rate.max(1.0)
    }

    /// The deadline of a synchronous callback for a block of `frames` that
    /// began at `began` ([`now_ns`]).
    pub fn sync_deadline(&self, began: u64, frames: usize) -> u64 {
        let block_ns = frames as f64 / self.sample_rate.max(1.0) * 1e9;
        began + (block_ns * SYNC_DEADLINE_SHARE) as u64
    }

    /// Called for each block before it is processed; returns true when the
    /// device is (now known to be) unpaced. Real-time safe: a clock read.
    pub fn observe(&mut self, frames: usize, sig: &Signals) -> bool {
        if self.unpaced || !self.detect {
            return self.unpaced;
        }
        let now = now_ns();
        if self.first_block_at == 0 {
            self.first_block_at = now;
        } else {
            let elapsed = (now - self.first_block_at) as f64 / 1e9;
            if self.frames as f64 > elapsed * self.sample_rate + self.slack_frames {
                self.unpaced = true;
                sig.unpaced.store(true, Ordering::Release);
                return true;
            }
        }
        self.frames += frames as u64;
        false
    }
}
