//! What the audio thread does for one PortAudio callback. No allocation, no
//! lock, no blocking call: only copies between PortAudio's buffers and the
//! pre-allocated rings/buffers, atomic updates and a non-blocking wake.

use super::block::BlockMeta;
use super::buffers::{PlaySource, RecSink};
use super::bursts::Bursts;
use super::signals::{now_ns, Signals};
use super::waiting::{released, wait_for_client, Limit, Pacing};
use portaudio_sys as sys;
use rtrb::{Consumer, Producer};
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// What the callback tells PortAudio.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Continue = 0,
    Complete = 1,
    Abort = 2,
}

/// One callback's buffers and timing, as plain slices.
pub struct Block<'a> {
    pub input: Option<&'a [u8]>,
    pub output: Option<&'a mut [u8]>,
    pub frames: usize,
    pub input_adc_time: f64,
    pub current_time: f64,
    pub output_dac_time: f64,
    pub status: u32,
    /// When a synchronous callback stream must give up waiting for this
    /// block's output ([`now_ns`] time); `None`: 80 % of the block's own
    /// duration. The converter sets it to its device callback's, which is
    /// what a late answer would make the device miss.
    pub deadline: Option<u64>,
}

/// Ring endpoints owned by the audio thread (callback and blocking streams).
pub struct RingsRt {
    pub input: Option<Producer<u8>>,
    pub output: Option<Consumer<u8>>,
    /// Present for callback streams: one entry per block for the client.
    pub meta: Option<Producer<BlockMeta>>,
    /// Silent blocks played at start before the client's output (the cushion).
    pub cushion: u32,
    pub priming_left: u32,
    /// Wake sleepers once per this many blocks.
    pub batch: u32,
    pub since_wake: u32,
    /// Status bits of blocks whose metadata could not be queued.
    pub carried: u32,
    /// Whether the device keeps time (`waiting`).
    pub pacing: Pacing,
    /// Output bytes of synchronous blocks given up on: dropped when they
    /// arrive, so later blocks keep their place.
    pub owed: usize,
    /// Hosts that ask for several blocks at once, and the cushion's growth
    /// to cover them (`bursts`).
    pub bursts: Bursts,
}

/// Whole-buffer playback/recording state owned by the audio thread.
pub struct BuffersRt {
    pub play: Option<PlaySource>,
    pub rec: Option<RecSink>,
    pub played_all: bool,
}

pub enum RtMode {
    Rings(RingsRt),
    Buffers(BuffersRt),
}

/// Everything the callback touches; PortAudio's `userData` points here.
pub struct RtContext {
    pub signals: Arc<Signals>,
    pub out_silence: u8,
    pub mode: RtMode,
}

impl RtContext {
    pub fn process(&mut self, block: Block<'_>) -> Flow {
        let sig = &*self.signals;
        if sig.abort_requested.load(Ordering::Acquire) {
            if let Some(out) = block.output {
                out.fill(self.out_silence);
            }
            sig.bump_and_wake();
            return Flow::Abort;
        }
        let flow = match &mut self.mode {
            RtMode::Rings(r) => process_rings(r, sig, self.out_silence, block),
            RtMode::Buffers(b) => process_buffers(b, sig, self.out_silence, block),
        };
        if flow != Flow::Continue {
            sig.bump_and_wake();
        }
        flow
    }

    /// Clears per-run state. Only call while PortAudio is not running the
    /// callback (stream stopped or never started).
    pub fn reset_for_start(&mut self) {
        if let RtMode::Rings(r) = &mut self.mode {
            // Callback streams: output queued for the previous run is stale.
            // Blocking streams keep it: it was written before this start.
            if r.meta.is_some() {
                r.discard_output();
            }
            r.pacing.reset();
            self.signals
                .unpaced
                .store(r.pacing.unpaced, Ordering::Release);
            r.priming_left = if r.pacing.unpaced { 0 } else { r.cushion };
            r.since_wake = 0;
            r.carried = 0;
            r.owed = 0;
            r.bursts.reset();
            self.signals.cushion_grown.store(0, Ordering::Relaxed);
        }
    }

    /// Drops queued output (after an abort). Same precondition as
    /// [`RtContext::reset_for_start`].
    pub fn discard_output(&mut self) {
        if let RtMode::Rings(r) = &mut self.mode {
            r.discard_output();
        }
    }
}

impl RingsRt {
    fn discard_output(&mut self) {
        if let Some(out) = self.output.as_mut() {
            let n = out.slots();
            if let Ok(chunk) = out.read_chunk(n) {
                chunk.commit_all();
            }
        }
    }
}

fn process_rings(r: &mut RingsRt, sig: &Signals, silence: u8, block: Block<'_>) -> Flow {
    let draining = sig.stop_requested.load(Ordering::Acquire);
    if r.pacing.observe(block.frames, sig) {
        // Found unpaced at run time: the cushion has no purpose any more.
        r.priming_left = 0;
    }
    // Priming blocks (`primeOutputBuffersUsingStreamCallback`) may be asked
    // for inside `Pa_StartStream`, on whose return the program waits: never
    // wait for the program then.
    let priming = block.status & sys::paPrimingOutput as u32 != 0;
    let unpaced = r.pacing.unpaced && !priming;
    let client_idle = r
        .meta
        .as_ref()
        .is_some_and(|m| m.slots() == m.buffer().capacity());
    let in_burst = r.bursts.observe(
        block.current_time,
        r.pacing.block_seconds(block.frames),
        client_idle,
    );
    let callback = r.meta.is_some();
    // Callback streams that hand each block over and wait for its output.
    let waits_per_block = callback && !priming && (unpaced || r.cushion == 0);
    // The synchronous deadline counts from the callback's start (a clock
    // read, taken only when it is needed).
    let began = if waits_per_block && !unpaced {
        now_ns()
    } else {
        0
    };
    let mut status = block.status;
    let timing = BlockMeta {
        frames: block.frames as u32,
        status: 0,
        input_adc_time: block.input_adc_time,
        current_time: block.current_time,
        output_dac_time: block.output_dac_time,
        output_late: false,
    };
    let delivered = push_input(r, sig, unpaced, draining, block.input);
    if !delivered {
        status |= sys::paInputOverflow as u32;
    }

    let output_empty;
    if waits_per_block {
        let mut asked = false;
        if !draining {
            if unpaced && delivered {
                // (Streams with input waited for a slot in `push_input`.)
                if let Some(m) = r.meta.as_ref() {
                    wait_for_client(sig, Limit::Unbounded, || m.slots() > 0);
                }
            }
            asked = push_meta(r, status, delivered, timing, false);
            // The client must hear of this block now, not after the wait.
            sig.bump_and_wake_blocks();
        }
        let limit = if unpaced {
            Limit::Unbounded
        } else {
            Limit::Until(
                block
                    .deadline
                    .unwrap_or_else(|| r.pacing.sync_deadline(began, block.frames)),
            )
        };
        output_empty = output_in_turn(r, sig, silence, draining, asked, limit, block.output);
    } else {
        let (empty, starved, out_status) =
            output_from_queue(r, sig, silence, unpaced, draining, block.output);
        output_empty = empty;
        status |= out_status;
        // Every block the client is asked for fills one output slot, so the
        // queue (and the latency) stays at the cushion. A starved block filled
        // no slot: an output-only stream is not asked for it at all (nothing of
        // its output is lost, the flags go to the next block); a duplex stream
        // must still hand over the input, with the block marked `output_late`.
        // Inside a host's burst a starved block is asked for as any other
        // (its output queued): the cushion grows by that block (`bursts`).
        let grow = starved && !draining && callback && in_burst && r.bursts.grow();
        if grow {
            sig.cushion_grown.store(r.bursts.grown, Ordering::Relaxed);
        }
        let skip = starved && !draining && r.input.is_none() && !grow;
        match r.meta.as_ref() {
            Some(_) if !draining && !skip => {
                push_meta(r, status, delivered, timing, starved && !grow);
            }
            Some(_) if skip => r.carried |= status,
            Some(_) => {}
            None => sig.add_flags(status),
        }
    }

    sig.frames.fetch_add(block.frames as u64, Ordering::Relaxed);
    sig.block_frames
        .store(block.frames as u32, Ordering::Relaxed);
    r.since_wake += 1;
    if waits_per_block {
        r.since_wake = 0;
        sig.bump();
    } else if r.since_wake >= r.batch || sig.io_waiters() {
        r.since_wake = 0;
        sig.bump_and_wake_blocks();
    } else {
        sig.bump();
    }

    if draining && output_empty {
        Flow::Complete
    } else {
        Flow::Continue
    }
}

/// Queues the block's input; false when it had to be dropped (no room).
/// On an unpaced device the audio thread first waits for room, unless the
/// client is itself waiting to write (it could never make room then).
fn push_input(
    r: &mut RingsRt,
    sig: &Signals,
    unpaced: bool,
    draining: bool,
    input: Option<&[u8]>,
) -> bool {
    let (Some(prod), Some(inp)) = (r.input.as_mut(), input) else {
        return true;
    };
    if draining {
        // CallbackStop: no further callbacks will consume input.
        return true;
    }
    let meta = r.meta.as_ref();
    let room = |p: &Producer<u8>| p.slots() >= inp.len() && meta.is_none_or(|m| m.slots() > 0);
    // Blocking streams: not while the client waits to write (it could never
    // make room then), nor on a duplex stream whose input it never read.
    let blocking_duplex = meta.is_none() && r.output.is_some();
    let may_wait = || {
        meta.is_some()
            || ((!blocking_duplex || sig.input_started.load(Ordering::Acquire))
                && sig.writers_waiting.load(Ordering::Acquire) == 0)
    };
    if unpaced && !room(prod) && may_wait() {
        let p = &*prod;
        wait_for_client(sig, Limit::Unbounded, || room(p) || !may_wait());
    }
    if !room(prod) {
        return false;
    }
    // Cannot fail: the free space was checked just above.
    let _ = prod.push_entire_slice(inp);
    true
}

/// Queues the block's metadata for the client (callback streams), or
/// carries its status to the next block when the ring is full. Returns
/// whether the client was asked for the block.
fn push_meta(
    r: &mut RingsRt,
    status: u32,
    delivered: bool,
    timing: BlockMeta,
    output_late: bool,
) -> bool {
    let Some(meta) = r.meta.as_mut() else {
        return false;
    };
    let all = status | r.carried;
    if delivered && meta.slots() > 0 {
        let _ = meta.push(BlockMeta {
            status: all,
            output_late,
            ..timing
        });
        r.carried = 0;
        true
    } else {
        r.carried = all;
        false
    }
}

/// Output of a block the client was just asked for: waits for it within
/// `limit`. What does not come in time is silence, an underflow reported
/// with the next block, and (synchronous mode) dropped when it comes. A
/// block the client was not asked for (its queue was full: it is far
/// behind) is silence at once and owes nothing. Returns whether the output
/// queue is empty afterwards.
fn output_in_turn(
    r: &mut RingsRt,
    sig: &Signals,
    silence: u8,
    draining: bool,
    asked: bool,
    limit: Limit,
    output: Option<&mut [u8]>,
) -> bool {
    let (Some(out), Some(cons)) = (output, r.output.as_mut()) else {
        return true;
    };
    let wanted = out.len();
    let owed = &mut r.owed;
    let mut ready = |c: &mut Consumer<u8>| {
        if *owed > 0 {
            let n = (*owed).min(c.slots());
            if let Ok(chunk) = c.read_chunk(n) {
                chunk.commit_all();
                *owed -= n;
            }
        }
        c.slots() >= wanted
    };
    if !asked && !draining {
        // Only what is owed may be dropped; what else is queued answers
        // blocks still to come.
        ready(cons);
        out.fill(silence);
        r.carried |= sys::paOutputUnderflow as u32;
        return cons.is_empty();
    }
    if !ready(cons) && !draining {
        wait_for_client(sig, limit, || ready(cons));
    }
    let (_, rest) = cons.pop_partial_slice(out);
    let missing = rest.len();
    rest.fill(silence);
    if missing > 0 && !draining && !released(sig) {
        r.carried |= sys::paOutputUnderflow as u32;
        if matches!(limit, Limit::Until(_)) {
            // The client still answers this block: drop that when it comes.
            r.owed += missing;
        }
    }
    cons.is_empty()
}

/// Output from what the client queued ahead (the cushion, blocking writes).
/// Returns (queue empty, starved: nothing queued at all, status bits).
fn output_from_queue(
    r: &mut RingsRt,
    sig: &Signals,
    silence: u8,
    unpaced: bool,
    draining: bool,
    output: Option<&mut [u8]>,
) -> (bool, bool, u32) {
    let Some(out) = output else {
        return (true, false, 0);
    };
    let mut status = 0;
    match r.output.as_mut() {
        Some(cons) if r.priming_left == 0 => {
            let wanted = out.len();
            let duplex = r.input.is_some();
            if unpaced && !draining && cons.slots() < wanted && may_wait_for_output(duplex, sig) {
                let c = &*cons;
                wait_for_client(sig, Limit::Unbounded, || {
                    c.slots() >= wanted || !may_wait_for_output(duplex, sig)
                });
            }
            let (_, rest) = cons.pop_partial_slice(out);
            let short = !rest.is_empty();
            let starved = wanted > 0 && rest.len() == wanted;
            rest.fill(silence);
            let counts = r.meta.is_some() || sig.output_started.load(Ordering::Relaxed);
            if short && counts && !draining {
                status |= sys::paOutputUnderflow as u32;
            }
            (cons.is_empty(), starved, status)
        }
        _ => {
            out.fill(silence);
            r.priming_left = r.priming_left.saturating_sub(1);
            // A stop requested while the cushion is still being played
            // must not drop what the client already queued.
            (r.output.as_ref().is_none_or(Consumer::is_empty), false, 0)
        }
    }
}

/// Blocking streams on an unpaced device: wait for `write()` unless the
/// client waits for input (it could never write then) or, on a duplex
/// stream, has not written at all (it only reads).
fn may_wait_for_output(duplex: bool, sig: &Signals) -> bool {
    (!duplex || sig.output_started.load(Ordering::Relaxed))
        && sig.readers_waiting.load(Ordering::Acquire) == 0
}

fn process_buffers(b: &mut BuffersRt, sig: &Signals, silence: u8, block: Block<'_>) -> Flow {
    if let Some(rec) = b.rec.as_mut() {
        if !rec.is_full() {
            match block.input {
                Some(inp) => rec.capture(inp, block.frames),
                None => rec.fill_silence(block.frames),
            };
        }
    }
    if let Some(out) = block.output {
        match b.play.as_mut() {
            Some(play) if !b.played_all => b.played_all = play.render(out, block.frames),
            _ => out.fill(silence),
        }
    }
    sig.add_flags(block.status);
    sig.frames.fetch_add(block.frames as u64, Ordering::Relaxed);
    if sig.io_waiters() {
        sig.bump_and_wake_blocks();
    } else {
        sig.bump();
    }
    let done = (b.play.is_none() || b.played_all) && b.rec.as_ref().is_none_or(RecSink::is_full);
    if done || sig.stop_requested.load(Ordering::Acquire) {
        Flow::Complete
    } else {
        Flow::Continue
    }
}
