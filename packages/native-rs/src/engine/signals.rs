//! Atomics shared between the audio thread and everyone else.
//!
//! `seq` is a futex word: the audio thread bumps it for every block and wakes
//! sleepers (`atomic_wait::wake_all`, a non-blocking system call) once per
//! batch; state changes (finished, shutdown) bump and wake at once.

use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};

#[derive(Default)]
pub struct Signals {
    /// Bumped per block and per state change; sleepers wait on it.
    pub seq: AtomicU32,
    /// Status bits (PortAudio's `paInputOverflow`…) gathered for blocking
    /// reads/writes and for `wait()` of play/rec; cleared by whoever reports them.
    pub flags: AtomicU32,
    /// Set by PortAudio's finished callback: the stream became inactive.
    pub finished: AtomicBool,
    /// Counts finished callbacks, so a notifier never misses one between a
    /// stop and the next start.
    pub finish_count: AtomicU32,
    /// Between a successful start and the stream becoming inactive.
    pub running: AtomicBool,
    /// Bumped to make every blocking waiter give up (AbortSignal).
    pub cancel_epoch: AtomicU32,
    /// The owner is closing: every waiter must return.
    pub shutdown: AtomicBool,
    /// `CallbackStop`: play what is queued, then complete.
    pub stop_requested: AtomicBool,
    /// `CallbackAbort`: complete at once, dropping queued output.
    pub abort_requested: AtomicBool,
    /// A panic was caught on the audio thread; the stream was aborted.
    pub panicked: AtomicBool,
    /// Number of blocking waiters: while non-zero the audio thread wakes on
    /// every block instead of every batch.
    pub waiters: AtomicU32,
    /// A notification to JavaScript is queued and not yet drained.
    pub notify_pending: AtomicBool,
    /// Frames processed by the audio thread since start.
    pub frames: AtomicU64,
    /// Set once the client wrote output (blocking mode): underflows before
    /// the first write are the stream's start, not a glitch.
    pub output_started: AtomicBool,
    /// Frames of the latest block of a ring stream: the size of a cushion
    /// block when PortAudio chooses the block size (0 before the first one).
    pub block_frames: AtomicU32,
}

impl Signals {
    /// Bumps `seq` without waking anyone (audio thread, between batches).
    #[inline]
    pub fn bump(&self) {
        self.seq.fetch_add(1, Ordering::Release);
    }

    /// Bumps `seq` and wakes every sleeper.
    #[inline]
    pub fn bump_and_wake(&self) {
        self.seq.fetch_add(1, Ordering::Release);
        atomic_wait::wake_all(&self.seq);
    }

    /// Wakes sleepers without bumping (the value already changed).
    #[inline]
    pub fn wake(&self) {
        atomic_wait::wake_all(&self.seq);
    }

    /// Current value of `seq`, to pass to [`Signals::wait_while`].
    #[inline]
    pub fn load_seq(&self) -> u32 {
        self.seq.load(Ordering::Acquire)
    }

    /// Sleeps until `seq` differs from `seen` (returns at once if it already
    /// does). Never call this on the audio thread.
    pub fn wait_while(&self, seen: u32) {
        atomic_wait::wait(&self.seq, seen);
    }

    pub fn add_flags(&self, bits: u32) {
        if bits != 0 {
            self.flags.fetch_or(bits, Ordering::Relaxed);
        }
    }

    /// Takes (and clears) the given status bits.
    pub fn take_flags(&self, mask: u32) -> u32 {
        self.flags.fetch_and(!mask, Ordering::AcqRel) & mask
    }

    /// Clears per-run state before a (re)start.
    pub fn reset_for_start(&self) {
        self.finished.store(false, Ordering::Release);
        self.stop_requested.store(false, Ordering::Release);
        self.abort_requested.store(false, Ordering::Release);
        self.panicked.store(false, Ordering::Release);
        self.notify_pending.store(false, Ordering::Release);
        self.frames.store(0, Ordering::Release);
        self.flags.store(0, Ordering::Release);
        self.output_started.store(false, Ordering::Release);
        self.running.store(true, Ordering::Release);
    }
}
