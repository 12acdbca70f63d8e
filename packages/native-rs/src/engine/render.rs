//! What the audio thread does for one PortAudio callback. No allocation, no
//! lock, no blocking call: only copies between PortAudio's buffers and the
//! pre-allocated rings/buffers, atomic updates and a non-blocking wake.

use super::block::BlockMeta;
use super::buffers::{PlaySource, RecSink};
use super::signals::Signals;
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
            r.priming_left = r.cushion;
            r.since_wake = 0;
            r.carried = 0;
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
    let mut status = block.status;
    let mut delivered = true;

    if let (Some(prod), Some(inp)) = (r.input.as_mut(), block.input) {
        if draining {
            // CallbackStop: no further callbacks will consume input.
        } else if r.meta.as_ref().is_some_and(|m| m.slots() == 0) || prod.slots() < inp.len() {
            delivered = false;
            status |= sys::paInputOverflow as u32;
        } else {
            // Cannot fail: the free space was checked just above.
            let _ = prod.push_entire_slice(inp);
        }
    }

    let mut output_empty = true;
    // Past the cushion and nothing queued at all: the client is late.
    let mut starved = false;
    if let Some(out) = block.output {
        match r.output.as_mut() {
            Some(cons) if r.priming_left == 0 => {
                let wanted = out.len();
                let (_, rest) = cons.pop_partial_slice(out);
                let short = !rest.is_empty();
                starved = wanted > 0 && rest.len() == wanted;
                rest.fill(silence);
                output_empty = cons.is_empty();
                let counts = r.meta.is_some() || sig.output_started.load(Ordering::Relaxed);
                if short && counts && !draining {
                    status |= sys::paOutputUnderflow as u32;
                }
            }
            _ => {
                out.fill(silence);
                r.priming_left = r.priming_left.saturating_sub(1);
                // A stop requested while the cushion is still being played
                // must not drop what the client already queued.
                output_empty = r.output.as_ref().is_none_or(Consumer::is_empty);
            }
        }
    }

    // Every block the client is asked for fills one output slot, so the
    // queue (and the latency) stays at the cushion. A starved block filled
    // no slot: an output-only stream is not asked for it at all (nothing of
    // its output is lost, the flags go to the next block); a duplex stream
    // must still hand over the input, with the block marked `output_late`.
    let skip = starved && !draining && r.input.is_none();
    match r.meta.as_mut() {
        Some(meta) if !draining && !skip => {
            let all = status | r.carried;
            if delivered && meta.slots() > 0 {
                let _ = meta.push(BlockMeta {
                    frames: block.frames as u32,
                    status: all,
                    input_adc_time: block.input_adc_time,
                    current_time: block.current_time,
                    output_dac_time: block.output_dac_time,
                    output_late: starved,
                });
                r.carried = 0;
            } else {
                r.carried = all;
            }
        }
        Some(_) if skip => r.carried |= status,
        Some(_) => {}
        None => sig.add_flags(status),
    }

    sig.frames.fetch_add(block.frames as u64, Ordering::Relaxed);
    sig.block_frames
        .store(block.frames as u32, Ordering::Relaxed);
    r.since_wake += 1;
    if r.since_wake >= r.batch || sig.waiters.load(Ordering::Relaxed) > 0 {
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
    if sig.waiters.load(Ordering::Relaxed) > 0 {
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
