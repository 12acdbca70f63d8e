//! Sample-rate conversion on the audio thread (the `resample` option): the
//! device runs at a rate it supports, the program sees the rate it asked
//! for, in every mode.
//!
//! The converter sits between PortAudio's callback and [`RtContext::process`]:
//! device input (float32, the device's rate) is converted into a queue of
//! program-rate frames; the program's blocks (always `user_block` frames)
//! are run from that queue, and their output is converted into a queue of
//! device-rate frames that the device's callbacks drain. Everything is
//! allocated in [`Converter::new`]; rubato's `process_into_buffer` works in
//! the buffers given to it, so the audio thread allocates nothing (see the
//! allocation test in `engine::tests`).
//!
//! Both directions are driven by the one device clock, so a duplex stream
//! stays sample-aligned: its input queue starts with a fixed amount of
//! silence (`prime`) that keeps it from running dry when the output asks for
//! a block, and the latency that adds is constant and reported.

use super::render::{Block, Flow, RtContext};
use super::samples;
use super::signals::now_ns;
use super::waiting::SYNC_DEADLINE_SHARE;
use crate::pa::error::{Error, Result};
use crate::pa::params::SampleFormat;
use portaudio_sys as sys;
use rubato::audioadapter_buffers::direct::InterleavedSlice;
use rubato::{
    calculate_cutoff, Async, FixedAsync, Indexing, Resampler, SincInterpolationParameters,
    SincInterpolationType, WindowFunction,
};

/// Quality against CPU (`resampleQuality`). Figures: `bench/resample.mjs`
/// (docs/benchmarks.md); "flat" is within 0.1 dB, "the edge" 0.45 × the
/// lower rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quality {
    /// 64-point filter, linear interpolation: cheapest; -19 dB at the edge,
    /// aliasing about -98 dB.
    Low,
    /// 128 points: -0.9 dB at the edge, aliasing about -96 dB.
    Medium,
    /// 256 points, cubic interpolation (the default): flat to the edge,
    /// aliasing and images below -130 dB.
    High,
    /// 512 points: a narrower transition band, twice the CPU of `High`.
    Best,
}

impl Quality {
    pub const NAMES: &'static str = "'low', 'medium', 'high' or 'best'";

    pub fn parse(name: &str) -> Result<Self> {
        Ok(match name {
            "low" => Self::Low,
            "medium" => Self::Medium,
            "high" => Self::High,
            "best" => Self::Best,
            other => {
                return Err(Error::Range(format!(
                    "resampleQuality must be {}, got '{other}'",
                    Self::NAMES
                )))
            }
        })
    }

    /// The resampler the engine uses for `from` Hz → `to` Hz, fed `chunk`
    /// frames of `channels` interleaved channels per call (also used by the
    /// converter benchmark).
    pub fn resampler(
        self,
        from: f64,
        to: f64,
        chunk: usize,
        channels: usize,
    ) -> Result<Async<f32>> {
        Async::<f32>::new_sinc(
            to / from,
            1.0,
            &self.params(from, to),
            chunk,
            channels,
            FixedAsync::Input,
        )
        .map_err(|e| Error::Range(format!("cannot convert {from} Hz to {to} Hz: {e}")))
    }

    /// Filter parameters for converting `from` Hz to `to` Hz. rubato's
    /// filter length counts input samples, so a downsampling filter is made
    /// longer by the ratio, and its cutoff is the one of the unscaled length:
    /// the same transition band, placed below the lower rate's Nyquist
    /// frequency (rubato's automatic cutoff would assume the longer filter
    /// and let a 3:1 downsampler alias at -40 dB).
    fn params(self, from: f64, to: f64) -> SincInterpolationParameters {
        let (len, window, interp, oversampling) = match self {
            Self::Low => (
                64,
                WindowFunction::Blackman2,
                SincInterpolationType::Linear,
                128,
            ),
            Self::Medium => (
                128,
                WindowFunction::Blackman2,
                SincInterpolationType::Linear,
                128,
            ),
            Self::High => (
                256,
                WindowFunction::BlackmanHarris2,
                SincInterpolationType::Cubic,
                256,
            ),
            Self::Best => (
                512,
                WindowFunction::BlackmanHarris2,
                SincInterpolationType::Cubic,
                256,
            ),
        };
        let down = (from / to).max(1.0);
        let scaled = ((len as f64 * down / 8.0).ceil() as usize) * 8;
        let mut p = SincInterpolationParameters::new(scaled, window)
            .oversampling_factor(oversampling)
            .interpolation(interp);
        p.f_cutoff = Some(calculate_cutoff::<f32>(len, window));
        p
    }
}

/// What the converter needs to know at open.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    /// The program's rate (`sampleRate`).
    pub user_rate: f64,
    /// The rate the device runs at.
    pub device_rate: f64,
    pub quality: Quality,
    /// Frames per program block (`blockSize`, or a default when 0).
    pub user_block: usize,
    pub input: Option<(usize, SampleFormat)>,
    pub output: Option<(usize, SampleFormat)>,
}

/// Device frames handled per step; longer callbacks are cut into pieces.
const MAX_DEVICE_PIECE: usize = 4096;
/// Device input frames per conversion step.
const INPUT_CHUNK: usize = 256;

/// Device → program.
struct InPath {
    conv: Async<f32>,
    channels: usize,
    format: SampleFormat,
    /// Device frames waiting for a whole chunk (interleaved f32).
    stage: Vec<f32>,
    staged: usize,
    /// Converted frames of one chunk.
    scratch: Vec<f32>,
    /// Program-rate frames in the program's format.
    queue: Vec<u8>,
    queued: usize,
    frame_bytes: usize,
    /// Leading converted frames still to drop (the filter's delay), so a
    /// recording starts at the device's first frame.
    skip: usize,
}

/// Program → device.
struct OutPath {
    conv: Async<f32>,
    channels: usize,
    format: SampleFormat,
    /// One program block, in the program's format.
    block: Vec<u8>,
    block_f: Vec<f32>,
    /// Device-rate frames (interleaved f32) waiting to be played.
    queue: Vec<f32>,
    queued: usize,
}

pub struct Converter {
    plan: Plan,
    input: Option<InPath>,
    output: Option<OutPath>,
    /// Silent program-rate frames a duplex stream's input queue starts with.
    prime: usize,
    /// Set once the program's side completed: the output still plays what
    /// is queued and the filter's tail.
    finishing: bool,
    tail_left: usize,
    /// Device status bits not yet given to a program block.
    pending_status: u32,
}

fn make(plan: &Plan, from: f64, to: f64, chunk: usize, ch: usize) -> Result<Async<f32>> {
    plan.quality.resampler(from, to, chunk, ch)
}

impl Converter {
    pub fn new(plan: Plan) -> Result<Self> {
        let ratio = plan.user_rate / plan.device_rate;
        let input = match plan.input {
            Some((ch, format)) => {
                let conv = make(&plan, plan.device_rate, plan.user_rate, INPUT_CHUNK, ch)?;
                let out_max = conv.output_frames_max();
                let pieces = MAX_DEVICE_PIECE.div_ceil(INPUT_CHUNK) + 2;
                let cap = 2 * plan.user_block + pieces * out_max + 64;
                let frame_bytes = ch * format.bytes();
                Some(InPath {
                    channels: ch,
                    format,
                    stage: vec![0.0; INPUT_CHUNK * ch],
                    staged: 0,
                    scratch: vec![0.0; out_max * ch],
                    queue: vec![0; cap * frame_bytes],
                    queued: 0,
                    frame_bytes,
                    skip: 0,
                    conv,
                })
            }
            None => None,
        };
        let output = match plan.output {
            Some((ch, format)) => {
                let conv = make(&plan, plan.user_rate, plan.device_rate, plan.user_block, ch)?;
                let cap = MAX_DEVICE_PIECE + conv.output_frames_max() + 64;
                Some(OutPath {
                    channels: ch,
                    format,
                    block: vec![0; plan.user_block * ch * format.bytes()],
                    block_f: vec![0.0; plan.user_block * ch],
                    queue: vec![0.0; cap * ch],
                    queued: 0,
                    conv,
                })
            }
            None => None,
        };
        // Duplex: the output may ask for a block before the last input
        // chunk was converted (see the module docs).
        let prime = if input.is_some() && output.is_some() {
            plan.user_block + (INPUT_CHUNK as f64 * ratio).ceil() as usize + 16
        } else {
            0
        };
        let mut c = Converter {
            plan,
            input,
            output,
            prime,
            finishing: false,
            tail_left: 0,
            pending_status: 0,
        };
        c.reset();
        Ok(c)
    }

    /// Back to the state of a new stream. Not on the audio thread (the
    /// stream is stopped or not started).
    pub fn reset(&mut self) {
        let prime = self.prime;
        let duplex = self.output.is_some();
        if let Some(i) = self.input.as_mut() {
            i.conv.reset();
            i.staged = 0;
            i.queue.fill(0);
            if i.format == SampleFormat::UInt8 {
                i.queue.fill(0x80);
            }
            i.queued = prime;
            // A duplex stream keeps the delay (its prime covers it), an
            // input stream drops it so its first frame is the device's.
            // (rubato rounds its fractional delay up: one frame less keeps
            // the recording within a frame of the device's timeline.)
            i.skip = if duplex {
                0
            } else {
                i.conv.output_delay().saturating_sub(1)
            };
        }
        if let Some(o) = self.output.as_mut() {
            o.conv.reset();
            o.queued = 0;
        }
        self.finishing = false;
        self.tail_left = 0;
        self.pending_status = 0;
    }

    /// Drops queued output (after an abort). Same precondition as `reset`.
    pub fn discard_output(&mut self) {
        if let Some(o) = self.output.as_mut() {
            o.queued = 0;
        }
    }

    /// The program's rate.
    pub fn user_rate(&self) -> f64 {
        self.plan.user_rate
    }

    /// Seconds the converter adds to the input latency: the filter's
    /// look-ahead, and for a duplex stream the silence its input queue
    /// starts with. Sample-exact: a loopback's lag is the sum of the two
    /// latencies (tested in numeric's resample tests).
    pub fn input_delay(&self) -> f64 {
        match self.input.as_ref() {
            Some(i) => {
                let prime = if self.output.is_some() { self.prime } else { 0 };
                (i.conv.output_delay() + prime) as f64 / self.plan.user_rate
            }
            None => 0.0,
        }
    }

    /// Seconds the converter adds to the output latency (the filter's
    /// delay; the blocks queued ahead are made early, not played late).
    pub fn output_delay(&self) -> f64 {
        match self.output.as_ref() {
            Some(o) => o.conv.output_delay() as f64 / self.plan.device_rate,
            None => 0.0,
        }
    }

    /// One PortAudio callback at the device's rate (float32 buffers).
    pub fn process(&mut self, ctx: &mut RtContext, block: Block<'_>) -> Flow {
        let total = block.frames;
        let mut done = 0;
        let mut output = block.output;
        let mut flow = Flow::Continue;
        // Long callbacks in pieces, so the queues' sizes are bounded.
        while done < total {
            let n = (total - done).min(MAX_DEVICE_PIECE);
            let inp = block.input.map(|b| {
                let fb = b.len() / total;
                &b[done * fb..(done + n) * fb]
            });
            let out = output.as_deref_mut().map(|b| {
                let fb = b.len() / total;
                &mut b[done * fb..(done + n) * fb]
            });
            let piece = Block {
                input: inp,
                output: out,
                frames: n,
                input_adc_time: block.input_adc_time + done as f64 / self.plan.device_rate,
                current_time: block.current_time,
                output_dac_time: block.output_dac_time + done as f64 / self.plan.device_rate,
                status: if done == 0 { block.status } else { 0 },
                deadline: None,
            };
            flow = self.piece(ctx, piece);
            if flow == Flow::Abort {
                return flow;
            }
            done += n;
        }
        flow
    }

    fn piece(&mut self, ctx: &mut RtContext, mut block: Block<'_>) -> Flow {
        self.pending_status |= block.status;
        // However many program blocks run now, they share this callback's
        // time (a synchronous stream waits for its program within it).
        let seconds = block.frames as f64 / self.plan.device_rate;
        block.deadline = Some(now_ns() + (seconds * SYNC_DEADLINE_SHARE * 1e9) as u64);
        if let (Some(i), Some(src)) = (self.input.as_mut(), block.input) {
            if !i.push_device(src) {
                self.pending_status |= sys::paInputOverflow as u32;
            }
        }
        let frames = block.frames;
        let ub = self.plan.user_block;
        loop {
            let run = !self.finishing
                && match (self.output.as_ref(), self.input.as_ref()) {
                    (Some(o), _) => o.queued < frames,
                    (None, Some(i)) => i.queued >= ub,
                    (None, None) => false,
                };
            if !run {
                break;
            }
            let flow = self.run_block(ctx, &block);
            match flow {
                Flow::Continue => {}
                Flow::Abort => {
                    if let Some(out) = block.output {
                        out.fill(0);
                    }
                    return Flow::Abort;
                }
                Flow::Complete => {
                    self.finishing = true;
                    self.tail_left = self.output.as_ref().map_or(0, |o| o.conv.output_delay());
                }
            }
        }
        if let Some(o) = self.output.as_mut() {
            if self.finishing {
                // Play the filter's tail: feed it silence.
                while self.tail_left > 0 && o.queued < frames {
                    let produced = o.convert(true);
                    self.tail_left = self.tail_left.saturating_sub(produced.max(1));
                }
            }
            if let Some(out) = block.output {
                o.pop_to_device(out, frames);
            }
        }
        let drained = self
            .output
            .as_ref()
            .is_none_or(|o| o.queued == 0 && self.tail_left == 0);
        if self.finishing && drained {
            Flow::Complete
        } else {
            Flow::Continue
        }
    }

    /// Runs one program block (input from the input queue, output into the
    /// output queue).
    fn run_block(&mut self, ctx: &mut RtContext, device: &Block<'_>) -> Flow {
        let ub = self.plan.user_block;
        let mut status = std::mem::take(&mut self.pending_status);
        let rate_dev = self.plan.device_rate;
        let rate_user = self.plan.user_rate;
        let queued_out = self.output.as_ref().map_or(0, |o| o.queued);
        let mut input_adc_time = device.input_adc_time;
        let input = match self.input.as_mut() {
            Some(i) => {
                if i.queued < ub {
                    // Not expected (see `prime`): the missing frames are
                    // silence at the end, and the program is told.
                    let fill = if i.format == SampleFormat::UInt8 {
                        0x80
                    } else {
                        0
                    };
                    i.queue[i.queued * i.frame_bytes..ub * i.frame_bytes].fill(fill);
                    i.queued = ub;
                    status |= sys::paInputUnderflow as u32;
                }
                input_adc_time -= (i.queued - ub) as f64 / rate_user;
                Some(&i.queue[..ub * i.frame_bytes])
            }
            None => None,
        };
        let output = self.output.as_mut().map(|o| &mut o.block[..]);
        let flow = ctx.process(Block {
            input,
            output,
            frames: ub,
            input_adc_time,
            current_time: device.current_time,
            output_dac_time: device.output_dac_time + queued_out as f64 / rate_dev,
            status,
            deadline: device.deadline,
        });
        if let Some(i) = self.input.as_mut() {
            i.consume(ub);
        }
        if flow != Flow::Abort {
            if let Some(o) = self.output.as_mut() {
                o.convert(false);
            }
        }
        flow
    }
}

impl InPath {
    /// Converts device frames into the queue; false if some were dropped
    /// (the program is not taking its input).
    fn push_device(&mut self, src: &[u8]) -> bool {
        let ch = self.channels;
        let mut ok = true;
        let mut rest = src;
        while !rest.is_empty() {
            let room = (INPUT_CHUNK - self.staged) * ch;
            let take = room.min(rest.len() / 4);
            samples::to_f32(
                SampleFormat::Float32,
                &rest[..take * 4],
                &mut self.stage[self.staged * ch..self.staged * ch + take],
            );
            self.staged += take / ch;
            rest = &rest[take * 4..];
            if self.staged == INPUT_CHUNK {
                self.staged = 0;
                ok &= self.convert_chunk();
            }
        }
        ok
    }

    fn convert_chunk(&mut self) -> bool {
        let ch = self.channels;
        let out_frames = self.scratch.len() / ch;
        let (Ok(inp), Ok(mut out)) = (
            InterleavedSlice::new(&self.stage[..], ch, INPUT_CHUNK),
            InterleavedSlice::new_mut(&mut self.scratch[..], ch, out_frames),
        ) else {
            return false;
        };
        let Ok((_, produced)) = self.conv.process_into_buffer(&inp, &mut out, None) else {
            return false;
        };
        let skip = self.skip.min(produced);
        self.skip -= skip;
        let n = produced - skip;
        let cap = self.queue.len() / self.frame_bytes;
        let fits = n.min(cap - self.queued);
        let at = self.queued * self.frame_bytes;
        samples::from_f32(
            self.format,
            &self.scratch[skip * ch..(skip + fits) * ch],
            &mut self.queue[at..at + fits * self.frame_bytes],
        );
        self.queued += fits;
        fits == n
    }

    fn consume(&mut self, frames: usize) {
        let fb = self.frame_bytes;
        self.queue.copy_within(frames * fb..self.queued * fb, 0);
        self.queued -= frames;
    }
}

impl OutPath {
    /// Converts the program block (or silence, for the tail) into the
    /// queue; returns the device frames produced.
    fn convert(&mut self, silence: bool) -> usize {
        let ch = self.channels;
        let frames = self.block_f.len() / ch;
        if !silence {
            samples::to_f32(self.format, &self.block, &mut self.block_f);
        }
        let cap = self.queue.len() / ch;
        let (Ok(inp), Ok(mut out)) = (
            InterleavedSlice::new(&self.block_f[..], ch, frames),
            InterleavedSlice::new_mut(&mut self.queue[self.queued * ch..], ch, cap - self.queued),
        ) else {
            return 0;
        };
        let indexing = Indexing {
            partial_len: silence.then_some(0),
            ..Indexing::default()
        };
        match self
            .conv
            .process_into_buffer(&inp, &mut out, Some(&indexing))
        {
            Ok((_, produced)) => {
                self.queued += produced;
                produced
            }
            Err(_) => 0,
        }
    }

    /// Fills the device's buffer (float32) from the queue; silence where
    /// the queue is short.
    fn pop_to_device(&mut self, out: &mut [u8], frames: usize) {
        let ch = self.channels;
        let n = frames.min(self.queued);
        samples::from_f32(
            SampleFormat::Float32,
            &self.queue[..n * ch],
            &mut out[..n * ch * 4],
        );
        out[n * ch * 4..].fill(0);
        self.queue.copy_within(n * ch..self.queued * ch, 0);
        self.queued -= n;
    }
}
