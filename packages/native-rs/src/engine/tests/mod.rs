//! Engine tests that drive the real PortAudio callback
//! ([`trampoline::audio_callback`]) with fake PortAudio buffers, built the way
//! [`Stream::open`] builds them, and check the bytes, flags, return values,
//! wake-ups and allocations of the audio thread.

use super::alloc_counter::allocations_during;
use super::block::BlockMeta;
use super::buffers::{PlaySource, RecSink};
use super::client::ClientSide;
use super::pump::EVENT_BLOCKS;
use super::render::{BuffersRt, RtContext, RtMode};
use super::rings::{blocking_rings, callback_rings, RING_BLOCKS};
use super::signals::Signals;
use super::stream::Stream;
use super::trampoline::{audio_callback, CallbackData, FrameBytes, UserData};
use super::waiting::Pacing;
use crate::pa::Error;
use portaudio_sys as sys;
use std::os::raw::{c_int, c_ulong, c_void};
use std::ptr;
use std::sync::atomic::Ordering;
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::{Duration, Instant};

mod resample;
mod resample_bench;
mod waiting;

const CONTINUE: c_int = sys::paContinue;
const COMPLETE: c_int = sys::paComplete;
const ABORT: c_int = sys::paAbort;
const IN_OVERFLOW: u32 = sys::paInputOverflow as u32;
const IN_UNDERFLOW: u32 = sys::paInputUnderflow as u32;
const OUT_UNDERFLOW: u32 = sys::paOutputUnderflow as u32;
const PRIMING: u32 = sys::paPrimingOutput as u32;
const TIMEOUT: Duration = Duration::from_secs(10);
/// The sample rate the rigs' streams are opened at.
const RATE: f64 = 48000.0;

/// What PortAudio sees: the `userData` of an open stream (owned as
/// `Stream::open` owns it), called by hand.
struct Rig {
    data: UserData,
    /// The `userData` pointer, taken once as PortAudio would.
    user_data: *mut c_void,
    frame_bytes: (usize, usize),
    signals: Arc<Signals>,
    calls: u32,
    time: sys::PaStreamCallbackTimeInfo,
}

impl Rig {
    fn new(in_frame: usize, out_frame: usize, out_silence: u8, mode: RtMode) -> Rig {
        let signals = Arc::new(Signals::default());
        // As `Stream::start` does before `Pa_StartStream`.
        signals.reset_for_start();
        let data = UserData::new(CallbackData {
            frame_bytes: FrameBytes {
                input: in_frame,
                output: out_frame,
            },
            ctx: RtContext {
                signals: signals.clone(),
                out_silence,
                mode,
            },
            converter: None,
        });
        Rig {
            user_data: data.as_ptr(),
            data,
            frame_bytes: (in_frame, out_frame),
            signals,
            calls: 0,
            time: sys::PaStreamCallbackTimeInfo::default(),
        }
    }

    fn call(&mut self, input: Option<&[u8]>, output: Option<&mut [u8]>, frames: usize) -> c_int {
        self.call_with_status(input, output, frames, 0)
    }

    /// One PortAudio callback. The timestamps of the `k`th call are
    /// `k + 0.25`, `k + 0.5` and `k + 0.75` (see [`times`]).
    fn call_with_status(
        &mut self,
        input: Option<&[u8]>,
        output: Option<&mut [u8]>,
        frames: usize,
        status: c_ulong,
    ) -> c_int {
        self.call_full(input, output, frames, status, None)
    }

    /// One callback at PortAudio time `now` (seconds): hosts that ask for
    /// several blocks at once give them all (nearly) the same time.
    fn call_at(&mut self, output: Option<&mut [u8]>, frames: usize, now: f64) -> c_int {
        self.call_full(None, output, frames, 0, Some(now))
    }

    fn call_full(
        &mut self,
        input: Option<&[u8]>,
        output: Option<&mut [u8]>,
        frames: usize,
        status: c_ulong,
        at: Option<f64>,
    ) -> c_int {
        self.calls += 1;
        let (mut adc, mut now, mut dac) = times(self.calls);
        if let Some(t) = at {
            (adc, now, dac) = (t, t, t);
        }
        self.time = sys::PaStreamCallbackTimeInfo {
            inputBufferAdcTime: adc,
            currentTime: now,
            outputBufferDacTime: dac,
        };
        let (in_bytes, out_bytes) = self.frame_bytes;
        let in_ptr: *const c_void = match input {
            Some(b) => {
                assert_eq!(b.len(), frames * in_bytes);
                b.as_ptr().cast()
            }
            None => ptr::null(),
        };
        let out_ptr: *mut c_void = match output {
            Some(b) => {
                assert_eq!(b.len(), frames * out_bytes);
                b.as_mut_ptr().cast()
            }
            None => ptr::null_mut(),
        };
        // SAFETY: `user_data` points to the live `CallbackData` owned by
        // `self.data`, which nothing else borrows during the call; `input`/`output` hold `frames` frames
        // of the sizes recorded in it (checked above) or are null; the time
        // info lives in `self` for the whole call.
        unsafe {
            audio_callback(
                in_ptr,
                out_ptr,
                frames as c_ulong,
                &self.time,
                status,
                self.user_data,
            )
        }
    }

    fn seq(&self) -> u32 {
        self.signals.load_seq()
    }

    fn flags(&self) -> u32 {
        self.signals.flags.load(Ordering::Acquire)
    }
}

/// Timestamps the rig hands to its `k`th call (1-based).
fn times(k: u32) -> (f64, f64, f64) {
    let t = f64::from(k);
    (t + 0.25, t + 0.5, t + 0.75)
}

fn meta(k: u32, frames: u32, status: u32) -> BlockMeta {
    let (adc, now, dac) = times(k);
    BlockMeta {
        frames,
        status,
        input_adc_time: adc,
        current_time: now,
        output_dac_time: dac,
        output_late: false,
    }
}

/// Recognisable bytes, never 0x00 nor 0x80 (odd), so silence stands out.
fn pattern(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(37).wrapping_add(seed) | 1)
        .collect()
}

/// A callback stream (`Mode::Callback`), sized as `Stream::open` sizes it,
/// on a paced device.
fn callback_rig(
    in_frame: usize,
    out_frame: usize,
    silence: u8,
    cushion: u32,
    block_frames: usize,
) -> (Rig, ClientSide) {
    callback_rig_paced(in_frame, out_frame, silence, cushion, block_frames, false)
}

/// [`callback_rig`] on a paced or unpaced device (known in advance).
fn callback_rig_paced(
    in_frame: usize,
    out_frame: usize,
    silence: u8,
    cushion: u32,
    block_frames: usize,
    unpaced: bool,
) -> (Rig, ClientSide) {
    let (rt, client) = callback_rings(
        in_frame,
        out_frame,
        cushion,
        block_frames,
        Pacing::fixed(unpaced, RATE),
    );

    (
        Rig::new(in_frame, out_frame, silence, RtMode::Rings(rt)),
        client,
    )
}

/// A blocking stream (`Mode::Blocking`) with rings of `ring_frames` frames,
/// on a paced device.
fn blocking_rig(
    in_frame: usize,
    out_frame: usize,
    silence: u8,
    ring_frames: usize,
) -> (Rig, ClientSide) {
    blocking_rig_paced(in_frame, out_frame, silence, ring_frames, false)
}

/// [`blocking_rig`] on a paced or unpaced device (known in advance).
fn blocking_rig_paced(
    in_frame: usize,
    out_frame: usize,
    silence: u8,
    ring_frames: usize,
    unpaced: bool,
) -> (Rig, ClientSide) {
    let (rt, client) = blocking_rings(
        in_frame,
        out_frame,
        ring_frames,
        Pacing::fixed(unpaced, RATE),
    );
    (
        Rig::new(in_frame, out_frame, silence, RtMode::Rings(rt)),
        client,
    )
}

/// A `play`/`rec`/`playrec` stream (`Mode::Buffers`).
fn buffers_rig(
    in_frame: usize,
    out_frame: usize,
    silence: u8,
    play: Option<PlaySource>,
    rec: Option<RecSink>,
) -> Rig {
    let mode = RtMode::Buffers(BuffersRt {
        play,
        rec,
        played_all: false,
    });
    Rig::new(in_frame, out_frame, silence, mode)
}

/// # Safety
/// `data` must outlive every use of the returned source.
unsafe fn play_source(
    data: &[u8],
    channels: usize,
    sample: usize,
    map: Vec<i32>,
    looping: bool,
    silence: u8,
) -> PlaySource {
    let frames = data.len() / (channels * sample);
    // SAFETY: `data` holds `frames * channels * sample` bytes; the caller
    // keeps it alive and unmoved while the source is used.
    unsafe {
        PlaySource::new(
            data.as_ptr(),
            frames,
            channels,
            sample,
            map,
            looping,
            silence,
        )
    }
}

/// # Safety
/// `dst` must outlive every use of the returned sink and not be accessed
/// while the sink writes to it.
unsafe fn rec_sink(dst: &mut [u8], sample: usize, map: Vec<usize>, dev_channels: usize) -> RecSink {
    let frames = dst.len() / (map.len() * sample);
    // SAFETY: `dst` holds `frames * map.len() * sample` writable bytes; the
    // caller keeps it alive and unmoved while the sink is used.
    unsafe { RecSink::new(dst.as_mut_ptr(), frames, sample, map, dev_channels) }
}

fn assert_silent(out: &[u8], silence: u8) {
    assert!(
        out.iter().all(|&b| b == silence),
        "expected silence {silence:#04x}, got {out:?}"
    );
}

fn wait_until(what: &str, cond: impl Fn() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(start.elapsed() < TIMEOUT, "timed out waiting until {what}");
        thread::sleep(Duration::from_millis(1));
    }
}

// ---------------------------------------------------------------------------
// Callback streams (rings + metadata + cushion)

#[test]
fn callback_input_arrives_bit_exact_with_block_meta() {
    let frames = 16;
    // Duplex: 2 × int16 in, 2 × float32 out.
    let (mut rig, mut client) = callback_rig(4, 8, 0, 2, frames);
    let inputs: Vec<Vec<u8>> = (0..4).map(|k| pattern(frames * 4, k * 50)).collect();
    let mut out = vec![0u8; frames * 8];
    for (k, input) in inputs.iter().enumerate() {
        // PortAudio's own status bits travel with the block.
        let status = if k == 1 { sys::paInputUnderflow } else { 0 };
        assert_eq!(
            rig.call_with_status(Some(input), Some(&mut out), frames, status),
            CONTINUE
        );
    }
    assert_eq!(client.blocks_ready(), 4);
    let mut indata = vec![0u8; frames * 4];
    for (k, input) in inputs.iter().enumerate() {
        let mut status = if k == 1 { IN_UNDERFLOW } else { 0 };
        if k >= 2 {
            // The client wrote no output: dry once the cushion (2) is played.
            status |= OUT_UNDERFLOW;
        }
        let m = client
            .next_block(&mut indata)
            .expect("a block per callback, starved or not (its input counts)");
        let mut expected = meta(k as u32 + 1, frames as u32, status);
        // Starved slots: the output the client makes for them is not queued.
        expected.output_late = k >= 2;
        assert_eq!(m, expected);
        assert_eq!(&indata, input, "block {k}");
    }
    assert!(client.next_block(&mut indata).is_none());
    assert_eq!(
        rig.signals.frames.load(Ordering::Relaxed),
        4 * frames as u64
    );
}

#[test]
fn callback_input_only_with_varying_block_sizes() {
    // Input only (no output buffer at all), 3 × int24; PortAudio may vary
    // the frame count when the block size is unspecified.
    let (mut rig, mut client) = callback_rig(9, 0, 0, 2, 64);
    let sizes = [64, 5, 1, 64, 17];
    let inputs: Vec<Vec<u8>> = sizes
        .iter()
        .enumerate()
        .map(|(k, &n)| pattern(n * 9, k as u8 * 13))
        .collect();
    for (input, &n) in inputs.iter().zip(&sizes) {
        assert_eq!(rig.call(Some(input), None, n), CONTINUE);
    }
    let mut indata = vec![0u8; 64 * 9];
    for (k, (input, &n)) in inputs.iter().zip(&sizes).enumerate() {
        let m = client.next_block(&mut indata).unwrap();
        assert_eq!(m, meta(k as u32 + 1, n as u32, 0));
        assert_eq!(&indata[..n * 9], &input[..]);
    }
}

#[test]
fn cushion_plays_silence_then_the_client_output_bit_exact() {
    // float32 stereo (silence 0x00) and uint8 stereo (silence 0x80).
    for (out_frame, silence) in [(8, 0x00), (2, 0x80)] {
        let frames = 16;
        let cushion = 3;
        let (mut rig, mut client) = callback_rig(0, out_frame, silence, cushion, frames);
        let blocks: Vec<Vec<u8>> = (0..12).map(|k| pattern(frames * out_frame, k)).collect();
        for (k, block) in blocks.iter().enumerate() {
            let mut out = vec![0x55u8; frames * out_frame];
            assert_eq!(rig.call(None, Some(&mut out), frames), CONTINUE);
            if k < cushion as usize {
                assert_silent(&out, silence);
            } else {
                assert_eq!(out, blocks[k - cushion as usize], "callback {k}");
            }
            // The client answers each block with one block of output.
            let m = client.next_block(&mut []).unwrap();
            assert_eq!(m.status, 0, "no underflow while the cushion is played");
            assert_eq!(client.write_from(block), block.len());
        }
    }
}

#[test]
fn a_host_asking_for_blocks_in_bursts_grows_the_cushion_once_then_the_output_is_contiguous() {
    // DirectSound/WASAPI style: 4 blocks at (nearly) the same time, then a
    // pause of 4 blocks' duration. With a cushion of 2 the queue runs dry
    // inside the first burst; those starved blocks are asked for anyway, so
    // from the second burst on every block plays the client's output in order.
    let (frames, out_frame, cushion, burst) = (16usize, 4usize, 2u32, 4usize);
    let (mut rig, mut client) = callback_rig(0, out_frame, 0, cushion, frames);
    let block_seconds = frames as f64 / RATE;
    let blocks: Vec<Vec<u8>> = (0..40)
        .map(|k| pattern(frames * out_frame, k as u8))
        .collect();
    let mut played: Vec<u8> = Vec::new();
    let mut answered = 0;
    let mut statuses = Vec::new();
    for b in 0..10 {
        let t = 1.0 + b as f64 * burst as f64 * block_seconds;
        for k in 0..burst {
            let mut out = vec![0x55u8; frames * out_frame];
            assert_eq!(
                rig.call_at(Some(&mut out), frames, t + k as f64 * 1e-6),
                CONTINUE
            );
            played.extend_from_slice(&out);
        }
        // The program answers every block it was asked for before the next burst.
        while let Some(m) = client.next_block(&mut []) {
            statuses.push(m.status);
            assert!(!m.output_late, "asked blocks are queued");
            assert_eq!(client.write_from(&blocks[answered]), blocks[answered].len());
            answered += 1;
        }
    }
    // The first burst: 2 priming blocks and 2 starved ones, all silent; then
    // the client's blocks back to back.
    let lead = burst * frames * out_frame;
    assert_silent(&played[..lead], 0);
    let expected: Vec<u8> = blocks[..(10 - 1) * burst].concat();
    assert_eq!(
        &played[lead..],
        &expected[..],
        "no gap after the first burst"
    );
    assert_eq!(rig.signals.cushion_grown.load(Ordering::Relaxed), 2);
    // Only the two grown blocks report the silence they played.
    assert_eq!(
        statuses.iter().filter(|&&s| s & OUT_UNDERFLOW != 0).count(),
        2
    );

    // A late program (a block starved at its normal time) does not grow it.
    let t = 1.0 + 10.0 * burst as f64 * block_seconds;
    let mut out = vec![0u8; frames * out_frame];
    for k in 0..(cushion as usize + 2 + 2) {
        rig.call_at(Some(&mut out), frames, t + k as f64 * block_seconds);
    }
    assert_eq!(rig.signals.cushion_grown.load(Ordering::Relaxed), 2);
}

#[test]
fn dry_cushion_plays_silence_and_flags_underflow_in_that_blocks_meta() {
    for (out_frame, silence) in [(4, 0x00), (1, 0x80)] {
        let frames = 8;
        let (mut rig, mut client) = callback_rig(0, out_frame, silence, 1, frames);
        let mut out = vec![0x55u8; frames * out_frame];
        // Priming: silence, never an underflow.
        assert_eq!(rig.call(None, Some(&mut out), frames), CONTINUE);
        assert_silent(&out, silence);
        assert_eq!(client.next_block(&mut []).unwrap().status, 0);
        // The client wrote nothing: silence and paOutputUnderflow. The
        // starved slot asks the client for no block (its output would come
        // after its time and push everything later); the flag waits for the
        // next block that is asked for.
        out.fill(0x55);
        assert_eq!(rig.call(None, Some(&mut out), frames), CONTINUE);
        assert_silent(&out, silence);
        assert!(client.next_block(&mut []).is_none());
        // Half a block: played, the rest silent, still an underflow (plus
        // PortAudio's own bits), and the earlier underflow with it.
        let half = pattern(frames / 2 * out_frame, 7);
        assert_eq!(client.write_from(&half), half.len());
        assert_eq!(
            rig.call_with_status(None, Some(&mut out), frames, sys::paPrimingOutput),
            CONTINUE
        );
        assert_eq!(&out[..half.len()], &half[..]);
        assert_silent(&out[half.len()..], silence);
        let m = client.next_block(&mut []).unwrap();
        assert_eq!(m, meta(3, 8, OUT_UNDERFLOW | PRIMING));
        assert!(!m.output_late, "a partly filled slot was not starved");
        // A whole block: no flag.
        let whole = pattern(frames * out_frame, 9);
        assert_eq!(client.write_from(&whole), whole.len());
        assert_eq!(rig.call(None, Some(&mut out), frames), CONTINUE);
        assert_eq!(out, whole);
        assert_eq!(client.next_block(&mut []).unwrap().status, 0);
        // Callback streams report through the metadata, not the flags word.
        assert_eq!(rig.flags(), 0);
    }
}

#[test]
fn full_meta_ring_drops_the_block_and_carries_input_overflow() {
    let frames = 8;
    let cushion = 2;
    let (mut rig, mut client) = callback_rig(4, 0, 0, cushion, frames);
    let capacity = RING_BLOCKS + cushion as usize;
    let inputs: Vec<Vec<u8>> = (0..capacity + 3)
        .map(|k| pattern(frames * 4, k as u8))
        .collect();
    for input in &inputs[..capacity] {
        assert_eq!(rig.call(Some(input), None, frames), CONTINUE);
    }
    assert_eq!(client.blocks_ready(), capacity);
    // Two blocks find the rings full: dropped, their status carried.
    assert_eq!(
        rig.call_with_status(Some(&inputs[capacity]), None, frames, sys::paInputUnderflow),
        CONTINUE
    );
    assert_eq!(
        rig.call(Some(&inputs[capacity + 1]), None, frames),
        CONTINUE
    );
    assert_eq!(client.blocks_ready(), capacity);
    // The client catches up by one block; the next block is delivered with
    // the overflow (and the carried bits) in its metadata.
    let mut indata = vec![0u8; frames * 4];
    client.next_block(&mut indata).unwrap();
    assert_eq!(indata, inputs[0]);
    assert_eq!(
        rig.call(Some(&inputs[capacity + 2]), None, frames),
        CONTINUE
    );
    for (k, input) in inputs.iter().enumerate().take(capacity).skip(1) {
        let m = client.next_block(&mut indata).unwrap();
        assert_eq!(m, meta(k as u32 + 1, frames as u32, 0));
        assert_eq!(&indata, input);
    }
    let m = client.next_block(&mut indata).unwrap();
    assert_eq!(
        m,
        meta(
            capacity as u32 + 3,
            frames as u32,
            IN_OVERFLOW | IN_UNDERFLOW
        )
    );
    assert_eq!(indata, inputs[capacity + 2], "dropped input never shows up");
    assert!(client.next_block(&mut indata).is_none());
    // The carried bits were reported once.
    assert_eq!(rig.call(Some(&inputs[0]), None, frames), CONTINUE);
    assert_eq!(client.next_block(&mut indata).unwrap().status, 0);
}

#[test]
fn full_input_ring_drops_the_block_and_carries_input_overflow() {
    // Blocks twice the nominal size fill the input ring before the meta ring.
    let frames = 16;
    let (mut rig, mut client) = callback_rig(4, 0, 0, 2, frames / 2);
    let fits = (RING_BLOCKS + 2) / 2;
    let inputs: Vec<Vec<u8>> = (0..fits + 2)
        .map(|k| pattern(frames * 4, k as u8))
        .collect();
    for input in &inputs[..fits] {
        assert_eq!(rig.call(Some(input), None, frames), CONTINUE);
    }
    assert_eq!(rig.call(Some(&inputs[fits]), None, frames), CONTINUE);
    assert_eq!(
        client.blocks_ready(),
        fits,
        "the overflowing block is dropped"
    );
    let mut indata = vec![0u8; frames * 4];
    assert_eq!(client.next_block(&mut indata).unwrap().status, 0);
    assert_eq!(rig.call(Some(&inputs[fits + 1]), None, frames), CONTINUE);
    for input in &inputs[1..fits] {
        assert_eq!(client.next_block(&mut indata).unwrap().status, 0);
        assert_eq!(&indata, input);
    }
    let m = client.next_block(&mut indata).unwrap();
    assert_eq!(m.status, IN_OVERFLOW);
    assert_eq!(indata, inputs[fits + 1]);
}

#[test]
fn output_only_full_meta_ring_carries_status_without_input_overflow() {
    let frames = 4;
    let (mut rig, mut client) = callback_rig(0, 2, 0, 0, frames);
    let mut out = vec![0u8; frames * 2];
    for _ in 0..RING_BLOCKS {
        assert_eq!(rig.call(None, Some(&mut out), frames), CONTINUE);
    }
    // Dry and unseen: underflow carried to the next delivered block, which
    // itself is fine.
    assert_eq!(rig.call(None, Some(&mut out), frames), CONTINUE);
    while client.next_block(&mut []).is_some() {}
    let block = pattern(frames * 2, 1);
    assert_eq!(client.write_from(&block), block.len());
    assert_eq!(rig.call(None, Some(&mut out), frames), CONTINUE);
    let m = client.next_block(&mut []).unwrap();
    assert_eq!(
        m,
        meta(RING_BLOCKS as u32 + 2, frames as u32, OUT_UNDERFLOW)
    );
}

#[test]
fn seq_bumps_once_per_callback_and_a_batch_wakes_sleepers() {
    let frames = 8;
    // Cushion 4: the pump is woken once per 2 blocks.
    let (mut rig, _client) = callback_rig(2, 2, 0, 4, frames);
    let input = pattern(frames * 2, 1);
    let mut out = vec![0u8; frames * 2];
    let start = rig.seq();
    for i in 1..=10u32 {
        assert_eq!(rig.call(Some(&input), Some(&mut out), frames), CONTINUE);
        assert_eq!(rig.seq(), start.wrapping_add(i));
    }
    assert_eq!(
        rig.signals.frames.load(Ordering::Relaxed),
        10 * frames as u64
    );

    // A sleeper on `seq` is woken by the end of a batch.
    let seen = rig.seq();
    let sig = rig.signals.clone();
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        while sig.load_seq() == seen {
            sig.wait_while(seen);
        }
        tx.send(()).unwrap();
    });
    thread::sleep(Duration::from_millis(20));
    rig.call(Some(&input), Some(&mut out), frames);
    rig.call(Some(&input), Some(&mut out), frames);
    rx.recv_timeout(TIMEOUT).expect("woken after a batch");

    // With a blocking waiter registered, every block wakes.
    rig.signals.readers_waiting.store(1, Ordering::Release);
    let seen = rig.seq();
    let sig = rig.signals.clone();
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        while sig.load_seq() == seen {
            sig.wait_while(seen);
        }
        tx.send(()).unwrap();
    });
    thread::sleep(Duration::from_millis(20));
    rig.call(Some(&input), Some(&mut out), frames);
    rx.recv_timeout(TIMEOUT).expect("woken by one block");
}

#[test]
fn stop_requested_drains_queued_output_then_completes() {
    let frames = 8;
    let (mut rig, mut client) = callback_rig(2, 4, 0, 1, frames);
    let input = pattern(frames * 2, 3);
    let mut out = vec![0x55u8; frames * 4];
    assert_eq!(rig.call(Some(&input), Some(&mut out), frames), CONTINUE);
    assert_silent(&out, 0);
    let mut indata = vec![0u8; frames * 2];
    client.next_block(&mut indata).unwrap();
    let queued: Vec<Vec<u8>> = (0..3).map(|k| pattern(frames * 4, 100 + k)).collect();
    for b in &queued {
        assert_eq!(client.write_from(b), b.len());
    }
    rig.signals.stop_requested.store(true, Ordering::Release);
    let seq = rig.seq();
    assert_eq!(rig.call(Some(&input), Some(&mut out), frames), CONTINUE);
    assert_eq!(out, queued[0]);
    assert_eq!(rig.call(Some(&input), Some(&mut out), frames), CONTINUE);
    assert_eq!(out, queued[1]);
    // The last queued block is played by the callback that completes.
    assert_eq!(rig.call(Some(&input), Some(&mut out), frames), COMPLETE);
    assert_eq!(out, queued[2]);
    assert!(rig.seq().wrapping_sub(seq) >= 4, "completion wakes");
    // While draining, nothing more is handed to the client.
    assert_eq!(client.blocks_ready(), 0);
    assert_eq!(client.read_available(), 0);

    // A partial last block: played, then silence, and complete.
    let (mut rig, mut client) = callback_rig(0, 4, 0, 0, frames);
    let tail = pattern(frames * 4 + frames / 2 * 4, 40);
    assert_eq!(client.write_from(&tail), tail.len());
    rig.signals.stop_requested.store(true, Ordering::Release);
    assert_eq!(rig.call(None, Some(&mut out), frames), CONTINUE);
    assert_eq!(out, tail[..frames * 4]);
    assert_eq!(rig.call(None, Some(&mut out), frames), COMPLETE);
    assert_eq!(&out[..frames / 2 * 4], &tail[frames * 4..]);
    assert_silent(&out[frames / 2 * 4..], 0);

    // Nothing queued: silence and complete at once.
    let (mut rig, _client) = callback_rig(0, 1, 0x80, 0, frames);
    let mut out = vec![0u8; frames];
    rig.signals.stop_requested.store(true, Ordering::Release);
    assert_eq!(rig.call(None, Some(&mut out), frames), COMPLETE);
    assert_silent(&out, 0x80);
}

#[test]
fn stop_requested_during_the_cushion_still_plays_queued_output() {
    // A client that answers its first block and stops at once (CallbackStop
    // in the first JS callback) while the cushion is still being played.
    let frames = 8;
    let (mut rig, mut client) = callback_rig(0, 2, 0, 2, frames);
    let mut out = vec![0x55u8; frames * 2];
    assert_eq!(rig.call(None, Some(&mut out), frames), CONTINUE);
    client.next_block(&mut []).unwrap();
    let last = pattern(frames * 2, 77);
    assert_eq!(client.write_from(&last), last.len());
    rig.signals.stop_requested.store(true, Ordering::Release);
    // The rest of the cushion, then the queued block, then complete.
    assert_eq!(rig.call(None, Some(&mut out), frames), CONTINUE);
    assert_silent(&out, 0);
    assert_eq!(rig.call(None, Some(&mut out), frames), COMPLETE);
    assert_eq!(out, last);
}

#[test]
fn abort_requested_returns_abort_with_silence() {
    let frames = 8;
    let (mut rig, mut client) = callback_rig(1, 1, 0x80, 1, frames);
    let input = pattern(frames, 5);
    let mut out = vec![0u8; frames];
    assert_eq!(rig.call(Some(&input), Some(&mut out), frames), CONTINUE);
    let mut indata = vec![0u8; frames];
    client.next_block(&mut indata).unwrap();
    let queued = pattern(frames * 2, 9);
    assert_eq!(client.write_from(&queued), queued.len());
    rig.signals.abort_requested.store(true, Ordering::Release);
    let seq = rig.seq();
    assert_eq!(rig.call(Some(&input), Some(&mut out), frames), ABORT);
    assert_silent(&out, 0x80);
    assert_ne!(rig.seq(), seq, "abort wakes");
    assert_eq!(client.blocks_ready(), 0, "no block handed over");
    assert_eq!(client.read_available(), 0, "no input queued");
}

#[test]
fn reset_for_start_drops_queued_output_and_restores_the_cushion() {
    let frames = 4;
    let (mut rig, mut client) = callback_rig(0, 1, 0, 2, frames);
    let mut out = vec![0u8; frames];
    for _ in 0..3 {
        rig.call(None, Some(&mut out), frames);
    }
    let stale = pattern(frames * 3, 1);
    assert_eq!(client.write_from(&stale), stale.len());
    // SAFETY: no callback is running (as after `Pa_StopStream`).
    unsafe { rig.data.get_mut() }.ctx.reset_for_start();
    client.clear_inbound();
    assert_eq!(client.blocks_ready(), 0);
    let fresh = pattern(frames, 99);
    for k in 0..3 {
        assert_eq!(rig.call(None, Some(&mut out), frames), CONTINUE);
        client.next_block(&mut []).unwrap();
        if k < 2 {
            assert_silent(&out, 0);
            assert_eq!(client.write_from(&fresh), fresh.len());
        } else {
            assert_eq!(out, fresh, "stale output was dropped");
        }
    }
}

// ---------------------------------------------------------------------------
// Blocking streams (rings, no metadata; flags in `signals.flags`)

#[test]
fn blocking_underflow_is_flagged_only_after_the_first_write() {
    let frames = 16;
    let (mut rig, client) = blocking_rig(0, 4, 0, frames * 4);
    let stream = Stream::without_portaudio(client, rig.signals.clone());
    let mut out = vec![0x55u8; frames * 4];
    for _ in 0..3 {
        assert_eq!(rig.call(None, Some(&mut out), frames), CONTINUE);
        assert_silent(&out, 0);
    }
    assert_eq!(rig.flags() & OUT_UNDERFLOW, 0, "start-up is not a glitch");
    let data = pattern(frames * 4 * 2, 9);
    assert_eq!(stream.write_blocking(&data), Ok(false));
    assert_eq!(rig.call(None, Some(&mut out), frames), CONTINUE);
    assert_eq!(out, data[..frames * 4]);
    assert_eq!(rig.call(None, Some(&mut out), frames), CONTINUE);
    assert_eq!(out, data[frames * 4..]);
    assert_eq!(rig.flags() & OUT_UNDERFLOW, 0);
    // Dry after the first write: a real underflow.
    assert_eq!(rig.call(None, Some(&mut out), frames), CONTINUE);
    assert_silent(&out, 0);
    assert_eq!(rig.flags() & OUT_UNDERFLOW, OUT_UNDERFLOW);
    // Reported (and cleared) by the next write.
    assert_eq!(stream.write_blocking(&data[..frames * 4]), Ok(true));
    assert_eq!(rig.flags() & OUT_UNDERFLOW, 0);
    assert_eq!(rig.call(None, Some(&mut out), frames), CONTINUE);
    assert_eq!(out, data[..frames * 4]);
    assert_eq!(stream.write_blocking(&data[..frames * 4]), Ok(false));
}

#[test]
fn blocking_input_overflow_sets_the_flag() {
    let frames = 16;
    // The ring holds exactly one block.
    let (mut rig, client) = blocking_rig(4, 0, 0, frames);
    let stream = Stream::without_portaudio(client, rig.signals.clone());
    let a = pattern(frames * 4, 1);
    let b = pattern(frames * 4, 2);
    let c = pattern(frames * 4, 3);
    assert_eq!(rig.call(Some(&a), None, frames), CONTINUE);
    assert_eq!(rig.flags(), 0);
    assert_eq!(rig.call(Some(&b), None, frames), CONTINUE);
    assert_eq!(rig.flags(), IN_OVERFLOW);
    let mut dst = vec![0u8; frames * 4];
    assert_eq!(stream.read_blocking(&mut dst), Ok(true));
    assert_eq!(dst, a, "the overflowing block is dropped whole");
    assert_eq!(rig.flags(), 0);
    assert_eq!(rig.call(Some(&c), None, frames), CONTINUE);
    assert_eq!(stream.read_blocking(&mut dst), Ok(false));
    assert_eq!(dst, c);
    // PortAudio's own overflow bit is reported the same way.
    assert_eq!(
        rig.call_with_status(Some(&a), None, frames, sys::paInputOverflow),
        CONTINUE
    );
    assert_eq!(stream.read_blocking(&mut dst), Ok(true));
    assert_eq!(dst, a);
}

// ---------------------------------------------------------------------------
// Buffers streams (`play`/`rec`/`playrec`)

#[test]
fn play_identity_is_bit_exact_then_silent_and_completes() {
    // int16 stereo and uint8 stereo.
    for (sample, silence) in [(2, 0x00), (1, 0x80)] {
        let frames = 8;
        let frame = 2 * sample;
        let data = pattern(20 * frame, 11);
        // SAFETY: `data` outlives the rig.
        let play = unsafe { play_source(&data, 2, sample, vec![0, 1], false, silence) };
        let mut rig = buffers_rig(0, frame, silence, Some(play), None);
        let mut out = vec![0x55u8; frames * frame];
        assert_eq!(rig.call(None, Some(&mut out), frames), CONTINUE);
        assert_eq!(out, data[..8 * frame]);
        assert_eq!(rig.call(None, Some(&mut out), frames), CONTINUE);
        assert_eq!(out, data[8 * frame..16 * frame]);
        assert_eq!(rig.call(None, Some(&mut out), frames), COMPLETE);
        assert_eq!(&out[..4 * frame], &data[16 * frame..]);
        assert_silent(&out[4 * frame..], silence);
    }
}

#[test]
fn play_completes_in_the_callback_that_plays_the_last_frame() {
    let data = pattern(16, 3);
    // SAFETY: `data` outlives the rig.
    let play = unsafe { play_source(&data, 1, 1, vec![0], false, 0x80) };
    let mut rig = buffers_rig(0, 1, 0x80, Some(play), None);
    let mut out = vec![0u8; 8];
    assert_eq!(rig.call(None, Some(&mut out), 8), CONTINUE);
    assert_eq!(rig.call(None, Some(&mut out), 8), COMPLETE);
    assert_eq!(out, data[8..]);
}

#[test]
fn play_mapped_mono_to_channels_0_and_2_of_4() {
    for (sample, silence) in [(2usize, 0x00u8), (1, 0x80), (3, 0x00)] {
        let frames = 6;
        let data = pattern(10 * sample, 21);
        // SAFETY: `data` outlives the rig.
        let play = unsafe { play_source(&data, 1, sample, vec![0, -1, 0, -1], false, silence) };
        let dev_frame = 4 * sample;
        let mut rig = buffers_rig(0, dev_frame, silence, Some(play), None);
        let mut played = Vec::new();
        let mut out = vec![0x55u8; frames * dev_frame];
        assert_eq!(rig.call(None, Some(&mut out), frames), CONTINUE);
        played.extend_from_slice(&out);
        assert_eq!(rig.call(None, Some(&mut out), frames), COMPLETE);
        played.extend_from_slice(&out);
        for (f, dev) in played.chunks_exact(dev_frame).enumerate() {
            let ch = |c: usize| &dev[c * sample..(c + 1) * sample];
            if f < 10 {
                let src = &data[f * sample..(f + 1) * sample];
                assert_eq!(ch(0), src, "frame {f}");
                assert_eq!(ch(2), src, "frame {f}");
            } else {
                assert_silent(ch(0), silence);
                assert_silent(ch(2), silence);
            }
            assert_silent(ch(1), silence);
            assert_silent(ch(3), silence);
        }
    }
}

#[test]
fn play_mapped_swaps_and_duplicates_channels() {
    let sample = 2;
    let data = pattern(5 * 2 * sample, 1);
    // SAFETY: `data` outlives the rig.
    let play = unsafe { play_source(&data, 2, sample, vec![1, 0, 1], false, 0) };
    let mut rig = buffers_rig(0, 3 * sample, 0, Some(play), None);
    let mut out = vec![0u8; 5 * 3 * sample];
    assert_eq!(rig.call(None, Some(&mut out), 5), COMPLETE);
    for (dev, src) in out
        .chunks_exact(3 * sample)
        .zip(data.chunks_exact(2 * sample))
    {
        assert_eq!(&dev[..2], &src[2..4]);
        assert_eq!(&dev[2..4], &src[..2]);
        assert_eq!(&dev[4..6], &src[2..4]);
    }
}

#[test]
fn looping_wraps_exactly() {
    for (map, dev_channels) in [(vec![0], 1), (vec![-1, 0], 2)] {
        let sample = 2;
        let source_frames = 5;
        let data = pattern(source_frames * sample, 8);
        // SAFETY: `data` outlives the rig.
        let play = unsafe { play_source(&data, 1, sample, map.clone(), true, 0) };
        let dev_frame = dev_channels * sample;
        let mut rig = buffers_rig(0, dev_frame, 0, Some(play), None);
        let frames = 4;
        let mut played = Vec::new();
        let mut out = vec![0x55u8; frames * dev_frame];
        for _ in 0..10 {
            assert_eq!(rig.call(None, Some(&mut out), frames), CONTINUE);
            played.extend_from_slice(&out);
        }
        for (f, dev) in played.chunks_exact(dev_frame).enumerate() {
            let s = f % source_frames;
            let c = dev_channels - 1;
            assert_eq!(
                &dev[c * sample..(c + 1) * sample],
                &data[s * sample..(s + 1) * sample],
                "frame {f}"
            );
            if dev_channels == 2 {
                assert_silent(&dev[..sample], 0);
            }
        }
        // Looping never completes by itself, but honours a stop request.
        rig.signals.stop_requested.store(true, Ordering::Release);
        assert_eq!(rig.call(None, Some(&mut out), frames), COMPLETE);
    }
}

#[test]
fn playrec_completes_once_played_and_recorded() {
    let frames = 8;
    for (play_blocks, rec_blocks) in [(2usize, 4usize), (3, 1), (2, 2)] {
        let data = pattern(play_blocks * frames * 2, 4);
        let mut dst = vec![0u8; rec_blocks * frames * 2];
        // SAFETY: `data` and `dst` outlive the rig; `dst` is read only
        // after the rig is dropped.
        let (play, rec) = unsafe {
            (
                play_source(&data, 1, 2, vec![0], false, 0),
                rec_sink(&mut dst, 2, vec![0], 1),
            )
        };
        let mut rig = buffers_rig(2, 2, 0, Some(play), Some(rec));
        let blocks = play_blocks.max(rec_blocks);
        let inputs: Vec<Vec<u8>> = (0..blocks).map(|k| pattern(frames * 2, k as u8)).collect();
        let mut out = vec![0u8; frames * 2];
        for (k, input) in inputs.iter().enumerate() {
            let expected = if k + 1 == blocks { COMPLETE } else { CONTINUE };
            assert_eq!(rig.call(Some(input), Some(&mut out), frames), expected);
        }
        drop(rig);
        assert_eq!(dst, inputs[..rec_blocks].concat());
    }
}

#[test]
fn rec_mapping_picks_the_right_channels_and_a_partial_last_block() {
    // 4 device channels of int16; record channels 3 and 1, 10 frames.
    let sample = 2;
    let dev_frame = 4 * sample;
    let mut dst = vec![0u8; 10 * 2 * sample];
    // SAFETY: `dst` outlives the rig and is read after it is dropped.
    let rec = unsafe { rec_sink(&mut dst, sample, vec![3, 1], 4) };
    let mut rig = buffers_rig(dev_frame, 0, 0, None, Some(rec));
    let inputs: Vec<Vec<u8>> = (0..3).map(|k| pattern(4 * dev_frame, 60 * k)).collect();
    assert_eq!(rig.call(Some(&inputs[0]), None, 4), CONTINUE);
    assert_eq!(rig.call(Some(&inputs[1]), None, 4), CONTINUE);
    assert_eq!(rig.call(Some(&inputs[2]), None, 4), COMPLETE);
    drop(rig);
    let all = inputs.concat();
    for (f, got) in dst.chunks_exact(2 * sample).enumerate() {
        let dev = &all[f * dev_frame..(f + 1) * dev_frame];
        assert_eq!(&got[..sample], &dev[3 * sample..4 * sample], "frame {f}");
        assert_eq!(&got[sample..], &dev[sample..2 * sample], "frame {f}");
    }

    // Identity, int24 stereo, 7 frames in blocks of 4.
    let mut dst = vec![0u8; 7 * 6];
    // SAFETY: as above.
    let rec = unsafe { rec_sink(&mut dst, 3, vec![0, 1], 2) };
    let mut rig = buffers_rig(6, 0, 0, None, Some(rec));
    let inputs: Vec<Vec<u8>> = (0..2).map(|k| pattern(4 * 6, 7 * k)).collect();
    assert_eq!(rig.call(Some(&inputs[0]), None, 4), CONTINUE);
    assert_eq!(
        rig.call_with_status(Some(&inputs[1]), None, 4, sys::paInputOverflow),
        COMPLETE
    );
    // Status bits of play/rec streams are gathered for `wait()`.
    assert_eq!(rig.flags(), IN_OVERFLOW);
    drop(rig);
    assert_eq!(dst, inputs.concat()[..7 * 6]);
}

// ---------------------------------------------------------------------------
// Panics

#[test]
fn a_panic_inside_process_is_caught_and_aborts_the_stream() {
    let data = pattern(8, 1);
    // A map naming a source channel that does not exist (the napi layer
    // rejects it) makes the renderer index out of bounds.
    // SAFETY: `data` outlives the rig.
    let play = unsafe { play_source(&data, 1, 1, vec![0, 5], false, 0x80) };
    let mut rig = buffers_rig(0, 2, 0x80, Some(play), None);
    let mut out = vec![0u8; 8];
    let seq = rig.seq();
    // Were the panic to unwind into the `extern "C"` caller, the process
    // would abort here instead of failing or passing.
    assert_eq!(rig.call(None, Some(&mut out), 4), ABORT);
    assert!(rig.signals.panicked.load(Ordering::Acquire));
    assert_ne!(rig.seq(), seq, "waiters are woken");
}

// ---------------------------------------------------------------------------
// No allocation on the audio thread

const N: usize = 200;

/// Buffers for driving a duplex callback rig (4-byte input, 8-byte output
/// frames) block by block, as the allocation tests do.
struct DuplexBlocks {
    frames: usize,
    input: Vec<u8>,
    block: Vec<u8>,
    out: Vec<u8>,
    indata: Vec<u8>,
}

impl DuplexBlocks {
    fn new(frames: usize) -> Self {
        DuplexBlocks {
            frames,
            input: pattern(frames * 4, 3),
            block: pattern(frames * 8, 4),
            out: vec![0u8; frames * 8],
            indata: vec![0u8; frames * 4],
        }
    }

    /// One audio callback; returns the allocations it made.
    fn callback(&mut self, rig: &mut Rig) -> u64 {
        let (input, out, frames) = (&self.input, &mut self.out, self.frames);
        allocations_during(|| {
            rig.call(Some(input), Some(out), frames);
        })
    }

    /// The client keeps up: takes the block and answers it.
    fn answer(&mut self, client: &mut ClientSide) {
        client.next_block(&mut self.indata).unwrap();
        client.write_from(&self.block);
    }
}

#[test]
fn take_block_leaves_a_block_that_does_not_fit_and_takes_it_once_it_does() {
    use super::client::Take;
    let frames = 32;
    let (mut rig, mut client) = callback_rig(4, 8, 0, 2, frames);
    let mut b = DuplexBlocks::new(frames);
    assert!(matches!(client.take_block(&mut b.indata), Take::None));
    b.callback(&mut rig);
    // A buffer one frame short: the block's size comes back, the block stays.
    let mut short = vec![0u8; (frames - 1) * 4];
    assert!(matches!(client.take_block(&mut short), Take::TooSmall(f) if f as usize == frames));
    assert_eq!(client.blocks_ready(), 1);
    match client.take_block(&mut b.indata) {
        Take::Taken(meta) => assert_eq!(meta.frames as usize, frames),
        _ => panic!("the block was not taken"),
    }
    assert_eq!(b.indata, b.input, "the block's input was not copied in");
    assert_eq!(client.blocks_ready(), 0);
    assert!(matches!(client.take_block(&mut b.indata), Take::None));
}

#[test]
fn callback_mode_callbacks_do_not_allocate() {
    let frames = 32;
    let (mut rig, mut client) = callback_rig(4, 8, 0, 2, frames);
    let mut b = DuplexBlocks::new(frames);
    // Warm-up (one-time lazy initialisation may allocate).
    b.callback(&mut rig);
    let mut allocs = 0;
    // Steady state: the client keeps up.
    for _ in 0..N {
        allocs += b.callback(&mut rig);
        b.answer(&mut client);
    }
    // The client stalls: underflow, then full rings and carried status.
    for _ in 0..N {
        allocs += allocations_during(|| {
            rig.call_with_status(
                Some(&b.input),
                Some(&mut b.out),
                frames,
                sys::paPrimingOutput,
            );
        });
    }
    // A blocking waiter registered: a wake-up on every block.
    rig.signals.readers_waiting.store(1, Ordering::Release);
    while client.next_block(&mut b.indata).is_some() {}
    for _ in 0..N {
        allocs += b.callback(&mut rig);
        b.answer(&mut client);
    }
    // Draining, completing, aborting.
    rig.signals.stop_requested.store(true, Ordering::Release);
    for _ in 0..4 {
        allocs += b.callback(&mut rig);
    }
    rig.signals.abort_requested.store(true, Ordering::Release);
    allocs += allocations_during(|| {
        assert_eq!(rig.call(Some(&b.input), Some(&mut b.out), frames), ABORT);
    });
    assert_eq!(allocs, 0, "the audio callback allocated");
}

static JS_WAKES: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

unsafe extern "C" fn counting_loop_wake(_: *mut std::ffi::c_void) -> std::os::raw::c_int {
    JS_WAKES.fetch_add(1, Ordering::SeqCst);
    0
}

#[test]
fn the_event_loop_wake_from_the_audio_thread_does_not_allocate_and_coalesces() {
    use crate::engine::js_wake::WakeHandle;
    let frames = 32;
    let (mut rig, mut client) = callback_rig(4, 8, 0, 2, frames);
    let mut slot = 0u64;
    rig.signals.js.attach(
        WakeHandle {
            handle: (&mut slot as *mut u64).cast(),
            send: counting_loop_wake,
        },
        true,
    );
    let mut b = DuplexBlocks::new(frames);
    b.callback(&mut rig);
    b.answer(&mut client);
    rig.signals.notify_pending.store(false, Ordering::Release);
    let wakes = JS_WAKES.load(Ordering::SeqCst);
    let mut allocs = 0;
    // JavaScript re-arms after every block: one wake per block.
    for _ in 0..N {
        allocs += b.callback(&mut rig);
        b.answer(&mut client);
        rig.signals.notify_pending.store(false, Ordering::Release);
    }
    assert_eq!(JS_WAKES.load(Ordering::SeqCst) - wakes, N as u32);
    // JavaScript is busy (not re-armed): one wake in flight, no more.
    for _ in 0..N {
        allocs += b.callback(&mut rig);
    }
    assert_eq!(JS_WAKES.load(Ordering::SeqCst) - wakes, N as u32 + 1);
    assert_eq!(rig.signals.js.take_events(), EVENT_BLOCKS);
    assert_eq!(allocs, 0, "the audio callback allocated");
    assert!(!rig.signals.js.detach().is_null());
}

#[test]
fn blocking_mode_callbacks_do_not_allocate() {
    let frames = 32;
    let (mut rig, mut client) = blocking_rig(4, 4, 0, frames * 4);
    let input = pattern(frames * 4, 3);
    let block = pattern(frames * 4, 4);
    let mut out = vec![0u8; frames * 4];
    let mut dst = vec![0u8; frames * 4];
    rig.call(Some(&input), Some(&mut out), frames);
    rig.signals.output_started.store(true, Ordering::Release);
    let mut allocs = 0;
    for round in 0..3 {
        // Round 1: the client stalls (overflow and underflow flags);
        // round 2: with a registered waiter.
        rig.signals
            .readers_waiting
            .store(u32::from(round == 2), Ordering::Release);
        client.write_from(&block);
        for _ in 0..N {
            allocs += allocations_during(|| {
                rig.call(Some(&input), Some(&mut out), frames);
            });
            if round != 1 {
                client.read_into(&mut dst);
                client.write_from(&block);
            }
        }
        assert_eq!(rig.flags() != 0, round == 1);
        rig.signals.take_flags(u32::MAX);
        while client.read_into(&mut dst) > 0 {}
    }
    assert_eq!(allocs, 0, "the audio callback allocated");
}

#[test]
fn buffers_mode_callbacks_do_not_allocate() {
    let frames = 32;
    let blocks = N + 2;
    /// Source channels, play map, rec map, device input channels, looping.
    type Case = (usize, Vec<i32>, Vec<usize>, usize, bool);
    let cases: [Case; 4] = [
        (2, vec![0, 1], vec![0, 1], 2, false),
        (1, vec![0, -1, 0, -1], vec![3, 1], 4, false),
        (2, vec![1, 0], vec![1], 2, true),
        (1, vec![-1, 0], vec![0, 1, 0], 2, true),
    ];
    for (channels, play_map, rec_map, in_channels, looping) in cases {
        let sample = 2;
        let out_frame = play_map.len() * sample;
        let in_frame = in_channels * sample;
        // Looping sources are shorter than a block so they wrap every time.
        let source_frames = if looping { 7 } else { blocks * frames };
        let data = pattern(source_frames * channels * sample, 1);
        let mut dst = vec![0u8; blocks * frames * rec_map.len() * sample];
        // SAFETY: `data` and `dst` outlive the rig.
        let (play, rec) = unsafe {
            (
                play_source(&data, channels, sample, play_map.clone(), looping, 0),
                rec_sink(&mut dst, sample, rec_map.clone(), in_channels),
            )
        };
        let mut rig = buffers_rig(in_frame, out_frame, 0, Some(play), Some(rec));
        let input = pattern(frames * in_frame, 2);
        let mut out = vec![0u8; frames * out_frame];
        rig.call(Some(&input), Some(&mut out), frames);
        let mut allocs = 0;
        for k in 0..N {
            rig.signals
                .readers_waiting
                .store(u32::from(k % 2 == 0), Ordering::Release);
            allocs += allocations_during(|| {
                assert_eq!(rig.call(Some(&input), Some(&mut out), frames), CONTINUE);
            });
        }
        // The final block completes (and wakes everyone); a looping source
        // only when asked to stop.
        if looping {
            rig.signals.stop_requested.store(true, Ordering::Release);
        }
        let last = allocations_during(|| {
            assert_eq!(rig.call(Some(&input), Some(&mut out), frames), COMPLETE);
        });
        assert_eq!(
            allocs + last,
            0,
            "the audio callback allocated (play map {play_map:?}, rec map {rec_map:?})"
        );
    }
}

// ---------------------------------------------------------------------------
// Wake-ups of non-real-time waiters

#[test]
fn wait_while_returns_after_bump_and_wake() {
    let sig = Arc::new(Signals::default());
    // Returns at once when the value already changed.
    let seen = sig.load_seq();
    sig.bump();
    sig.wait_while(seen);

    let seen = sig.load_seq();
    let (tx, rx) = mpsc::channel();
    let s = sig.clone();
    thread::spawn(move || {
        while s.load_seq() == seen {
            s.wait_while(seen);
        }
        tx.send(()).unwrap();
    });
    thread::sleep(Duration::from_millis(30));
    assert!(rx.try_recv().is_err(), "nothing to wake for yet");
    sig.bump_and_wake();
    rx.recv_timeout(TIMEOUT).expect("woken by bump_and_wake");
}

#[test]
fn read_blocking_wakes_as_callbacks_deliver_input() {
    let frames = 16;
    let (mut rig, client) = blocking_rig(4, 0, 0, frames * 4);
    let stream = Arc::new(Stream::without_portaudio(client, rig.signals.clone()));
    let blocks: Vec<Vec<u8>> = (0..3).map(|k| pattern(frames * 4, 40 * k)).collect();
    let (tx, rx) = mpsc::channel();
    let reader = stream.clone();
    thread::spawn(move || {
        let mut dst = vec![0u8; 3 * frames * 4];
        let r = reader.read_blocking(&mut dst);
        tx.send((r, dst)).unwrap();
    });
    for block in &blocks {
        wait_until("the reader waits", || {
            stream.signals.readers_waiting.load(Ordering::Acquire) == 1
        });
        thread::sleep(Duration::from_millis(10));
        assert_eq!(rig.call(Some(block), None, frames), CONTINUE);
    }
    let (r, dst) = rx.recv_timeout(TIMEOUT).expect("read_blocking returned");
    assert_eq!(r, Ok(false));
    assert_eq!(dst, blocks.concat());
    assert_eq!(stream.signals.readers_waiting.load(Ordering::Acquire), 0);
}

#[test]
fn write_blocking_wakes_as_callbacks_make_room() {
    let frames = 16;
    // Room for one block only; three are written.
    let (mut rig, client) = blocking_rig(0, 4, 0, frames);
    let stream = Arc::new(Stream::without_portaudio(client, rig.signals.clone()));
    let data = pattern(3 * frames * 4, 5);
    let (tx, rx) = mpsc::channel();
    let (writer, src) = (stream.clone(), data.clone());
    thread::spawn(move || tx.send(writer.write_blocking(&src)).unwrap());
    let mut out = vec![0u8; frames * 4];
    for k in 0..3 {
        wait_until("the writer filled the ring", || {
            stream.client().write_available() == 0
        });
        thread::sleep(Duration::from_millis(5));
        assert_eq!(rig.call(None, Some(&mut out), frames), CONTINUE);
        assert_eq!(out, data[k * frames * 4..(k + 1) * frames * 4]);
    }
    assert_eq!(
        rx.recv_timeout(TIMEOUT).expect("write_blocking returned"),
        Ok(false)
    );
}

#[test]
fn stop_and_cancel_wake_blocked_readers() {
    let frames = 16;
    let (rig, client) = blocking_rig(4, 0, 0, frames);
    let stream = Arc::new(Stream::without_portaudio(client, rig.signals.clone()));
    let blocked_read = || {
        let (tx, rx) = mpsc::channel();
        let reader = stream.clone();
        thread::spawn(move || {
            let mut dst = vec![0u8; frames * 4];
            tx.send(reader.read_blocking(&mut dst)).unwrap();
        });
        wait_until("the reader waits", || {
            stream.signals.readers_waiting.load(Ordering::Acquire) == 1
        });
        thread::sleep(Duration::from_millis(10));
        rx
    };

    let rx = blocked_read();
    // No PortAudio stream behind it, but the waiters are released anyway.
    assert!(stream.stop().is_err());
    match rx.recv_timeout(TIMEOUT).expect("stop woke the reader") {
        Err(Error::PortAudio { code, text, .. }) => {
            assert_eq!(code, sys::paStreamIsStopped);
            assert!(text.contains("Error reading from stream"), "{text}");
        }
        other => panic!("unexpected {other:?}"),
    }

    stream.signals.running.store(true, Ordering::Release);
    let rx = blocked_read();
    stream.cancel_waits();
    match rx.recv_timeout(TIMEOUT).expect("cancel woke the reader") {
        Err(Error::Unavailable(text)) => assert!(text.contains("aborted"), "{text}"),
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(stream.signals.readers_waiting.load(Ordering::Acquire), 0);
}

#[test]
fn wait_blocks_wakes_a_processor_worker() {
    let frames = 8;
    // Cushion 4: woken once per 2 blocks.
    let (mut rig, client) = callback_rig(2, 2, 0, 4, frames);
    let stream = Arc::new(Stream::without_portaudio(client, rig.signals.clone()));
    let (tx, rx) = mpsc::channel();
    let worker = stream.clone();
    thread::spawn(move || {
        // As a processor worker does: sleep until blocks are ready.
        let mut seen = worker.signals.load_seq();
        while worker.client().blocks_ready() == 0 {
            seen = worker.wait_blocks(seen);
        }
        tx.send(()).unwrap();
    });
    thread::sleep(Duration::from_millis(20));
    let input = pattern(frames * 2, 1);
    let mut out = vec![0u8; frames * 2];
    rig.call(Some(&input), Some(&mut out), frames);
    rig.call(Some(&input), Some(&mut out), frames);
    rx.recv_timeout(TIMEOUT).expect("the worker was woken");
    assert_eq!(stream.client().blocks_ready(), 2);
    // With blocks ready it returns at once, with the current sequence.
    assert_eq!(stream.wait_blocks(0), stream.signals.load_seq());
}
