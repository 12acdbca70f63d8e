//! The converter (`engine::resample`) driven through the real PortAudio
//! callback: exact frame counts at the program's rate, a sine that stays in
//! tune and clean, duplex alignment, and no allocation on the audio thread.

use super::{buffers_rig, callback_rig, play_source, rec_sink, Rig, COMPLETE, CONTINUE};
use crate::engine::alloc_counter::allocations_during;
use crate::engine::resample::{Converter, Plan, Quality};
use crate::pa::params::SampleFormat;
use std::f64::consts::PI;
use std::time::{Duration, Instant};

/// The device's callbacks, in frames (a JACK period).
const PERIOD: usize = 256;

impl Rig {
    /// Puts a converter in front of the rig's context, as `Stream::open`
    /// does; the device side is float32.
    fn converting(mut self, plan: Plan) -> Rig {
        let conv = Converter::new(plan).expect("converter");
        self.frame_bytes = (
            plan.input.map_or(0, |(ch, _)| ch * 4),
            plan.output.map_or(0, |(ch, _)| ch * 4),
        );
        // SAFETY: the rig's callback is not running (calls are by hand).
        let data = unsafe { self.data.get_mut() };
        data.frame_bytes.input = self.frame_bytes.0;
        data.frame_bytes.output = self.frame_bytes.1;
        data.converter = Some(conv);
        self
    }
}

fn sine(freq: f64, rate: f64, frames: usize, amp: f64) -> Vec<f32> {
    (0..frames)
        .map(|i| (amp * (2.0 * PI * freq * i as f64 / rate).sin()) as f32)
        .collect()
}

fn f32_bytes(x: &[f32]) -> Vec<u8> {
    x.iter().flat_map(|v| v.to_ne_bytes()).collect()
}

fn from_bytes(b: &[u8]) -> Vec<f32> {
    b.chunks_exact(4)
        .map(|c| f32::from_ne_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

/// Least-squares fit of a sine at `freq`: (amplitude, rms of the rest).
fn fit(sig: &[f32], freq: f64, rate: f64) -> (f64, f64) {
    let (amp, rest, _) = fit_phase(sig, freq, rate);
    (amp, rest)
}

/// [`fit`], plus the sine's phase at the first sample (radians).
fn fit_phase(sig: &[f32], freq: f64, rate: f64) -> (f64, f64, f64) {
    let (mut ss, mut cc, mut sc, mut ys, mut yc) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for (i, &y) in sig.iter().enumerate() {
        let (s, c) = (2.0 * PI * freq * i as f64 / rate).sin_cos();
        ss += s * s;
        cc += c * c;
        sc += s * c;
        ys += y as f64 * s;
        yc += y as f64 * c;
    }
    let det = ss * cc - sc * sc;
    let (a, b) = ((ys * cc - yc * sc) / det, (yc * ss - ys * sc) / det);
    let rest: f64 = sig
        .iter()
        .enumerate()
        .map(|(i, &y)| {
            let (s, c) = (2.0 * PI * freq * i as f64 / rate).sin_cos();
            (y as f64 - a * s - b * c).powi(2)
        })
        .sum();
    (
        (a * a + b * b).sqrt(),
        (rest / sig.len() as f64).sqrt(),
        b.atan2(a),
    )
}

fn db(x: f64) -> f64 {
    20.0 * x.log10()
}

fn plan(user: f64, device: f64, input: bool, output: bool, format: SampleFormat) -> Plan {
    Plan {
        user_rate: user,
        device_rate: device,
        quality: Quality::High,
        user_block: 512,
        input: input.then_some((1, format)),
        output: output.then_some((1, format)),
    }
}

#[test]
fn rec_at_16k_from_a_48k_device_is_exact_and_in_tune() {
    for user in [16000.0, 44100.0] {
        let frames = user as usize;
        let mut dst = vec![0u8; frames * 4];
        // SAFETY: `dst` outlives the rig.
        let rec = unsafe { rec_sink(&mut dst, 4, vec![0], 1) };
        let mut rig = buffers_rig(4, 0, 0, None, Some(rec)).converting(plan(
            user,
            48000.0,
            true,
            false,
            SampleFormat::Float32,
        ));
        let device = sine(997.0, 48000.0, 3 * 48000, 0.5);
        let mut calls = 0;
        let flow = loop {
            let at = calls * PERIOD;
            let input = f32_bytes(&device[at..at + PERIOD]);
            calls += 1;
            let flow = rig.call(Some(&input), None, PERIOD);
            if flow != CONTINUE {
                break flow;
            }
        };
        assert_eq!(flow, COMPLETE);
        // Done soon after the period that brings the last frame: the
        // filter's delay plus one program block (512 frames) later at most.
        let slack = (600.0 + 512.0 * 48000.0 / user) as usize + 2 * PERIOD;
        assert!(calls * PERIOD <= 48000 + slack, "{calls} calls");
        let got = from_bytes(&dst);
        assert_eq!(got.len(), frames);
        let mid = &got[frames / 10..frames * 9 / 10];
        // Aligned: frame 0 is the device's first frame (the filter's delay
        // is dropped), so the sine keeps its phase within a frame.
        let off = frames / 10;
        let (_, _, phase) = fit_phase(mid, 997.0, user);
        let expected = 2.0 * PI * 997.0 * off as f64 / user;
        let lag = ((expected - phase).rem_euclid(2.0 * PI) + PI).rem_euclid(2.0 * PI) - PI;
        let lag_frames = lag * user / (2.0 * PI * 997.0);
        assert!(lag_frames.abs() < 1.0, "{user}: lag {lag_frames} frames");
        let (amp, rest) = fit(mid, 997.0, user);
        assert!(
            db(amp / 0.5).abs() < 0.1,
            "{user}: gain {} dB",
            db(amp / 0.5)
        );
        assert!(
            db(rest / 0.5) < -100.0,
            "{user}: rest {} dB",
            db(rest / 0.5)
        );
    }
}

#[test]
fn play_at_22050_and_44100_on_a_48k_device_is_clean() {
    for user in [22050.0, 44100.0] {
        let frames = user as usize;
        let data = f32_bytes(&sine(1000.0, user, frames, 0.5));
        // SAFETY: `data` outlives the rig.
        let play = unsafe { play_source(&data, 1, 4, vec![0], false, 0) };
        let mut rig = buffers_rig(0, 4, 0, Some(play), None).converting(plan(
            user,
            48000.0,
            false,
            true,
            SampleFormat::Float32,
        ));
        let mut played = Vec::new();
        let mut out = vec![0u8; PERIOD * 4];
        loop {
            let flow = rig.call(None, Some(&mut out), PERIOD);
            played.extend(from_bytes(&out));
            if flow != CONTINUE {
                assert_eq!(flow, COMPLETE);
                break;
            }
            assert!(played.len() < 4 * 48000, "never completes");
        }
        let start = played.iter().position(|v| v.abs() > 1e-3).unwrap();
        let end = played.iter().rposition(|v| v.abs() > 1e-3).unwrap();
        // One second at 48 kHz, give or take the filter's edges.
        assert!(
            (end - start).abs_diff(48000) < 300,
            "{} frames",
            end - start
        );
        let mid = &played[start + 4800..end - 4800];
        let (amp, rest) = fit(mid, 1000.0, 48000.0);
        assert!(
            db(amp / 0.5).abs() < 0.1,
            "{user}: gain {} dB",
            db(amp / 0.5)
        );
        assert!(
            db(rest / 0.5) < -100.0,
            "{user}: rest {} dB",
            db(rest / 0.5)
        );
    }
}

#[test]
fn playrec_through_a_loopback_keeps_a_constant_lag() {
    let user = 16000.0;
    let frames = 16000;
    // A click every 1000 frames: the recording must show each at the same lag.
    let mut src = vec![0f32; frames];
    for k in (1000..frames - 1000).step_by(1000) {
        src[k] = 0.5;
    }
    let data = f32_bytes(&src);
    let mut dst = vec![0u8; frames * 4];
    // SAFETY: `data` and `dst` outlive the rig.
    let (play, rec) = unsafe {
        (
            play_source(&data, 1, 4, vec![0], false, 0),
            rec_sink(&mut dst, 4, vec![0], 1),
        )
    };
    let mut rig = buffers_rig(4, 4, 0, Some(play), Some(rec)).converting(plan(
        user,
        48000.0,
        true,
        true,
        SampleFormat::Float32,
    ));
    // The device's loopback: one period late, as JACK's.
    let mut wire = vec![0u8; PERIOD * 4];
    let mut out = vec![0u8; PERIOD * 4];
    for _ in 0..4 * 48000 / PERIOD {
        let flow = rig.call(Some(&wire), Some(&mut out), PERIOD);
        wire.copy_from_slice(&out);
        if flow == COMPLETE {
            break;
        }
    }
    let got = from_bytes(&dst);
    let peak = |from: usize| {
        (from..from + 1000)
            .max_by(|&a, &b| got[a].abs().total_cmp(&got[b].abs()))
            .unwrap()
    };
    let lags: Vec<usize> = (1000..frames - 2000)
        .step_by(1000)
        .map(|k| peak(k) - k)
        .collect();
    assert!(lags.iter().all(|&l| l == lags[0]), "lags {lags:?}");
}

#[test]
fn converted_callbacks_do_not_allocate() {
    for format in [
        SampleFormat::Int16,
        SampleFormat::Float32,
        SampleFormat::Int24,
    ] {
        let sample = format.bytes();
        let frames = 44100;
        let data = vec![1u8; frames * sample];
        let mut dst = vec![0u8; frames * sample];
        // SAFETY: `data` and `dst` outlive the rig.
        let (play, rec) = unsafe {
            (
                play_source(&data, 1, sample, vec![0], false, 0),
                rec_sink(&mut dst, sample, vec![0], 1),
            )
        };
        let mut rig = buffers_rig(sample, sample, 0, Some(play), Some(rec))
            .converting(plan(44100.0, 48000.0, true, true, format));
        let input = f32_bytes(&sine(440.0, 48000.0, PERIOD, 0.5));
        let mut out = vec![0u8; PERIOD * 4];
        // To the end: the whole recording, the filter's tail, completion.
        let (mut allocs, mut calls) = (0, 0);
        loop {
            let mut flow = CONTINUE;
            allocs += allocations_during(|| {
                flow = rig.call(Some(&input), Some(&mut out), PERIOD);
            });
            calls += 1;
            if flow == COMPLETE {
                break;
            }
            assert_eq!(flow, CONTINUE);
            assert!(calls < 1000, "never completes");
        }
        assert!(calls > 150, "{format:?}: {calls} calls");
        assert_eq!(allocs, 0, "{format:?}");
    }
}

#[test]
fn a_synchronous_program_is_waited_for_within_the_device_callback_not_its_own_block() {
    // Program blocks of 2048 frames (43 ms at 48 kHz, the rig's pacing rate)
    // on device callbacks of 256 frames (5.3 ms): a program that does not
    // answer may hold the callback 80 % of 5.3 ms, not of 43 ms.
    let (rig, _client) = callback_rig(0, 4, 0, 0, 2048);
    let mut plan = plan(16000.0, 48000.0, false, true, SampleFormat::Float32);
    plan.user_block = 2048;
    let mut rig = rig.converting(plan);
    let mut out = vec![0u8; PERIOD * 4];
    let t0 = Instant::now();
    assert_eq!(rig.call(None, Some(&mut out), PERIOD), CONTINUE);
    let took = t0.elapsed();
    assert!(took >= Duration::from_millis(3), "gave up after {took:?}");
    assert!(
        took < Duration::from_millis(15),
        "held the callback {took:?}"
    );
}
