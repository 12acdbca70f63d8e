//! Atomics shared between the audio thread and everyone else.
//!
//! `seq` is a futex word: the audio thread bumps it for every block and wakes
//! its sleepers (`atomic_wait::wake_all`, a non-blocking system call) once
//! per batch; state changes (finished, shutdown) bump and wake at once.
//! `state` is a second futex word that only state changes bump: a pump with
//! no blocks to deliver (processor, blocking and buffer streams) sleeps on
//! it, so the per-batch wake reaches only those who take blocks.

use super::js_wake::JsWake;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The origin of the timestamps the audio thread stores (`finished_at`).
static EPOCH: OnceLock<Instant> = OnceLock::new();

/// Sets the timestamp origin; call it before any stream can run (opening
/// does), so that the audio thread only ever reads it.
pub fn init_clock() {
    EPOCH.get_or_init(Instant::now);
}

/// Nanoseconds since the origin, at least 1 (0 means "never"); 0 before
/// [`init_clock`]. Real-time safe: a lock-free read and a clock read (vDSO
/// on Linux), no allocation.
#[inline]
pub fn now_ns() -> u64 {
    EPOCH
        .get()
        .map_or(0, |e| (e.elapsed().as_nanos() as u64).max(1))
}

/// The instant of a timestamp from [`now_ns`] (None for 0).
pub fn instant_of(ns: u64) -> Option<Instant> {
    match (ns, EPOCH.get()) {
        (0, _) | (_, None) => None,
        (ns, Some(e)) => Some(*e + Duration::from_nanos(ns)),
    }
}

#[derive(Default)]
pub struct Signals {
    /// Bumped per block and per state change; sleepers wait on it.
    pub seq: AtomicU32,
    /// Bumped only per state change (never by the per-block path).
    pub state: AtomicU32,
    /// Status bits (PortAudio's `paInputOverflow`…) gathered for blocking
    /// reads/writes and for `wait()` of play/rec; cleared by whoever reports them.
    pub flags: AtomicU32,
    /// Set by PortAudio's finished callback: the stream became inactive.
    pub finished: AtomicBool,
    /// Counts finished callbacks, so a notifier never misses one between a
    /// stop and the next start.
    pub finish_count: AtomicU32,
    /// When the latest finished callback came ([`now_ns`]; 0: never).
    pub finished_at: AtomicU64,
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
    /// The host API ended the stream without finishing it (PortAudio says it
    /// is inactive, but its finished callback never came: a JACK server that
    /// went away). Set by the watchdog; the stream is then treated as
    /// finished, and PortAudio is never called for it again.
    pub host_lost: AtomicBool,
    /// Futex word of the audio thread's waits for its client (`waiting`):
    /// the client bumps it whenever it queued output or took input.
    pub client_seq: AtomicU32,
    /// The audio thread is (about to be) asleep on `client_seq`: the client
    /// wakes it only then, saving a system call per block otherwise.
    pub rt_waiting: AtomicBool,
    /// `stop`/`abort`/`close` is about to call PortAudio: the audio thread
    /// must not wait for the client any more (PortAudio waits for it).
    pub halt: AtomicBool,
    /// Blocking reads / writes in progress: while any, the audio thread
    /// wakes on every block instead of every batch, and (unpaced devices)
    /// never waits for one direction while the client waits on the other.
    pub readers_waiting: AtomicU32,
    pub writers_waiting: AtomicU32,
    /// Set once the client read input (blocking mode) since start.
    pub input_started: AtomicBool,
    /// The device runs faster than real time (this run): the audio thread
    /// waits for the client instead of inserting silence or dropping input.
    pub unpaced: AtomicBool,
    /// Blocks the cushion grew by in this run, for a host that asks for
    /// several blocks at once (`bursts`).
    pub cushion_grown: AtomicU32,
    /// The JavaScript thread's event-loop wake, when the stream has one
    /// (`js_wake`): blocks and state changes are announced through it.
    pub js: JsWake,
}

impl Signals {
    /// Bumps `seq` without waking anyone (audio thread, between batches).
    #[inline]
    pub fn bump(&self) {
        self.seq.fetch_add(1, Ordering::Release);
    }

    /// A state change: bumps `seq` and `state` and wakes every sleeper of
    /// both.
    #[inline]
    pub fn bump_and_wake(&self) {
        self.state.fetch_add(1, Ordering::Release);
        self.seq.fetch_add(1, Ordering::Release);
        atomic_wait::wake_all(&self.state);
        atomic_wait::wake_all(&self.seq);
        self.announce_blocks();
    }

    /// New blocks (audio thread, once per batch): bumps `seq` and wakes its
    /// sleepers only.
    #[inline]
    pub fn bump_and_wake_blocks(&self) {
        self.seq.fetch_add(1, Ordering::Release);
        atomic_wait::wake_all(&self.seq);
        self.announce_blocks();
    }

    /// Tells the JavaScript thread of new blocks through its event-loop
    /// wake, when the stream delivers blocks that way: at most one
    /// announcement is in flight until JavaScript re-arms `notify_pending`
    /// (the pump's coalescing rule). Lock-free, allocation-free.
    #[inline]
    fn announce_blocks(&self) {
        if self.js.delivers_blocks() && !self.notify_pending.swap(true, Ordering::AcqRel) {
            self.js.post(super::pump::EVENT_BLOCKS);
        }
    }

    /// Re-arms the "blocks ready" announcement (JavaScript's thread, after
    /// it found no block waiting). SeqCst plus a fence: the caller looks at
    /// the block ring right after this, and that look must not move before
    /// the store (the audio thread pushes a block, then swaps
    /// `notify_pending`; one of the two sides must see the other's write,
    /// or a block would wait unannounced).
    #[inline]
    pub fn rearm_blocks(&self) {
        self.notify_pending.store(false, Ordering::SeqCst);
        std::sync::atomic::fence(Ordering::SeqCst);
    }

    /// Wakes the sleepers of both words without bumping (the ticker).
    #[inline]
    pub fn wake(&self) {
        atomic_wait::wake_all(&self.state);
        atomic_wait::wake_all(&self.seq);
    }

    /// Current value of `state`, to pass to [`wait_word_timeout`].
    #[inline]
    pub fn load_state(&self) -> u32 {
        self.state.load(Ordering::Acquire)
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

    /// Like [`Signals::wait_while`], but returns after `timeout` at the
    /// latest (and, rarely, earlier without a change). Linux: a futex wait
    /// with a timeout. Elsewhere `atomic_wait` has no timeout, so the sleeper
    /// is woken by the shared [`ticker`] instead.
    pub fn wait_while_timeout(&self, seen: u32, timeout: Duration) {
        wait_word_timeout(&self.seq, seen, timeout);
    }

    /// Marks the stream as ended by its host API without a finished
    /// callback (see `host_lost`) and wakes everyone: waiters give up, the
    /// pump reports the stream as finished. Returns false if it was already
    /// marked. Never called on the audio thread.
    pub fn declare_host_lost(&self) -> bool {
        if self.host_lost.swap(true, Ordering::AcqRel) {
            return false;
        }
        self.running.store(false, Ordering::Release);
        self.finished.store(true, Ordering::Release);
        self.finish_count.fetch_add(1, Ordering::AcqRel);
        self.bump_and_wake();
        true
    }

    /// The client queued output or took input: wakes the audio thread if
    /// it waits for that. (Sequentially consistent with the audio thread's
    /// `rt_waiting` store and `client_seq` load, so a wake is never lost.)
    #[inline]
    pub fn client_progress(&self) {
        self.client_seq.fetch_add(1, Ordering::SeqCst);
        if self.rt_waiting.load(Ordering::SeqCst) {
            atomic_wait::wake_all(&self.client_seq);
        }
    }

    /// True while a blocking read or write is in progress.
    #[inline]
    pub fn io_waiters(&self) -> bool {
        self.readers_waiting.load(Ordering::Relaxed) + self.writers_waiting.load(Ordering::Relaxed)
            > 0
    }

    /// `CallbackStop`: play what is queued, then complete. Wakes the audio
    /// thread if it waits for the client.
    pub fn request_stop(&self) {
        self.stop_requested.store(true, Ordering::Release);
        self.client_progress();
    }

    /// `CallbackAbort`: complete at once, dropping queued output.
    pub fn request_abort(&self) {
        self.abort_requested.store(true, Ordering::Release);
        self.client_progress();
    }

    /// Makes the audio thread stop waiting for the client, now and until
    /// the next start (before PortAudio is told to stop, abort or close).
    pub fn halt_waits(&self) {
        self.halt.store(true, Ordering::SeqCst);
        self.client_seq.fetch_add(1, Ordering::SeqCst);
        atomic_wait::wake_all(&self.client_seq);
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
        self.input_started.store(false, Ordering::Release);
        self.halt.store(false, Ordering::Release);
        self.running.store(true, Ordering::Release);
    }
}

/// Sleeps until `word` differs from `seen`, `timeout` at the latest (see
/// [`Signals::wait_while_timeout`]).
pub fn wait_word_timeout(word: &AtomicU32, seen: u32, timeout: Duration) {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    futex_wait_timeout(word, seen, timeout);
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        let _ = timeout; // the ticker's period bounds the sleep
        atomic_wait::wait(word, seen);
    }
}

/// Like [`wait_word_timeout`], also where futexes have no timeout: there it
/// sleeps a short while instead (at most 250 µs), since the caller (the
/// audio thread) must come back by its deadline.
pub fn wait_word_briefly(word: &AtomicU32, seen: u32, timeout: Duration) {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    futex_wait_timeout(word, seen, timeout);
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    if word.load(Ordering::Acquire) == seen {
        std::thread::sleep(timeout.min(Duration::from_micros(250)));
    }
}

/// `FUTEX_WAIT` with a relative timeout on the same word (and the same
/// private flag) `atomic_wait` uses, so its `wake_all` wakes this sleeper too.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn futex_wait_timeout(word: &AtomicU32, seen: u32, timeout: Duration) {
    let ts = libc::timespec {
        tv_sec: timeout.as_secs().min(i32::MAX as u64) as libc::time_t,
        tv_nsec: timeout.subsec_nanos() as libc::c_long,
    };
    // SAFETY: `word` is a valid, aligned 32-bit atomic for the duration of the
    // call and `ts` a valid timespec; FUTEX_WAIT only reads both. The kernel
    // returns at once if the word no longer holds `seen` (EAGAIN), on a wake,
    // on a signal (EINTR) or when the timeout expires (ETIMEDOUT): every
    // outcome is fine for a caller that re-checks its condition.
    unsafe {
        libc::syscall(
            libc::SYS_futex,
            word as *const AtomicU32,
            libc::FUTEX_WAIT | libc::FUTEX_PRIVATE_FLAG,
            seen,
            &ts as *const libc::timespec,
        );
    }
}

/// The portable fallback of [`Signals::wait_while_timeout`]: one thread for
/// the whole process that wakes the sleepers of every registered stream
/// while it runs, once per [`ticker::PERIOD`]. Built everywhere (so it is
/// compiled and tested on Linux too) but used only where futexes with a
/// timeout are not available.
pub mod ticker {
    use super::Signals;
    use std::sync::atomic::Ordering;
    use std::sync::{Arc, Mutex, Once, Weak};
    use std::time::Duration;

    /// How often running streams' sleepers are woken.
    pub const PERIOD: Duration = Duration::from_millis(100);

    static WATCHED: Mutex<Vec<Weak<Signals>>> = Mutex::new(Vec::new());
    static START: Once = Once::new();

    /// Wakes the sleepers of `signals` every [`PERIOD`] while its stream
    /// runs, until the signals are dropped.
    pub fn watch(signals: &Arc<Signals>) {
        let mut list = WATCHED.lock().unwrap_or_else(|e| e.into_inner());
        list.retain(|w| w.strong_count() > 0);
        list.push(Arc::downgrade(signals));
        drop(list);
        START.call_once(|| {
            // A daemon thread for the life of the process; if it cannot be
            // started the watchdog only reacts to real wake-ups.
            let _ = std::thread::Builder::new()
                .name("sounddevice-ticker".into())
                .spawn(|| loop {
                    std::thread::sleep(PERIOD);
                    tick();
                });
        });
    }

    /// One round: wakes (without bumping `seq`) every running stream.
    pub fn tick() {
        let live: Vec<Arc<Signals>> = {
            let mut list = WATCHED.lock().unwrap_or_else(|e| e.into_inner());
            list.retain(|w| w.strong_count() > 0);
            list.iter().filter_map(Weak::upgrade).collect()
        };
        for s in live {
            if s.running.load(Ordering::Acquire) {
                s.wake();
            }
        }
    }
}
