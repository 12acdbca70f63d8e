//! The converter's figures for `bench/resample.mjs` (ignored by default; run
//! with `cargo test --release resample_bench -- --ignored --nocapture`):
//! for each quality and rate pair, the worst passband gain error, the worst
//! residual of a sine sweep (aliases, images and noise), the worst stopband
//! leakage of a downsampler, and the CPU per second of stereo audio. The
//! signals and measures are the same as `bench/resample_peers.py` applies
//! to libsoxr and libsamplerate. One JSON object per line, prefixed `RESAMPLE `.

use crate::engine::resample::Quality;
use rubato::audioadapter_buffers::direct::InterleavedSlice;
use rubato::{Async, Resampler};
use std::f64::consts::PI;

const PAIRS: [(f64, f64); 4] = [
    (44100.0, 48000.0),
    (48000.0, 44100.0),
    (16000.0, 48000.0),
    (48000.0, 16000.0),
];
/// Program frames per call, as the engine's default block.
const CHUNK: usize = 512;
const AMP: f64 = 0.5;

/// Streams `x` (interleaved, `ch` channels) through `r` in chunks; the
/// output with the filter's delay dropped.
fn stream(r: &mut Async<f32>, x: &[f32], ch: usize) -> Vec<f32> {
    let frames = x.len() / ch;
    let mut out = Vec::with_capacity(frames * 4 * ch);
    let mut buf = vec![0f32; r.output_frames_max() * ch];
    let mut at = 0;
    let mut chunk = vec![0f32; CHUNK * ch];
    // Enough zeros after the end to flush the delay.
    let total = frames + 2 * r.output_delay() + CHUNK;
    while at < total {
        for (i, v) in chunk.iter_mut().enumerate() {
            let k = at * ch + i;
            *v = if k < x.len() { x[k] } else { 0.0 };
        }
        let inp = InterleavedSlice::new(&chunk[..], ch, CHUNK).unwrap();
        let n = buf.len() / ch;
        let mut o = InterleavedSlice::new_mut(&mut buf[..], ch, n).unwrap();
        let (_, produced) = r.process_into_buffer(&inp, &mut o, None).unwrap();
        out.extend_from_slice(&buf[..produced * ch]);
        at += CHUNK;
    }
    let skip = r.output_delay();
    out.drain(..skip * ch);
    out
}

fn fit(sig: &[f32], f: f64, rate: f64) -> (f64, f64) {
    let (mut ss, mut cc, mut sc, mut ys, mut yc) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for (i, &y) in sig.iter().enumerate() {
        let (s, c) = (2.0 * PI * f * i as f64 / rate).sin_cos();
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
            let (s, c) = (2.0 * PI * f * i as f64 / rate).sin_cos();
            (y as f64 - a * s - b * c).powi(2)
        })
        .sum();
    ((a * a + b * b).sqrt(), (rest / sig.len() as f64).sqrt())
}

fn db(x: f64) -> f64 {
    20.0 * x.max(1e-12).log10()
}

fn tone(f: f64, rate: f64, frames: usize) -> Vec<f32> {
    (0..frames)
        .map(|i| (AMP * (2.0 * PI * f * i as f64 / rate).sin()) as f32)
        .collect()
}

/// The sweep: 40 tones from 20 Hz to 0.45 × the lower rate (log-spaced).
fn passband(low: f64) -> Vec<f64> {
    (0..40)
        .map(|k| 20.0 * (0.45 * low / 20.0).powf(k as f64 / 39.0))
        .collect()
}

/// Tones a downsampler must reject: 20 from 0.5 × the output rate (+1 %) to
/// just below the input's Nyquist frequency.
fn stopband(from: f64, to: f64) -> Vec<f64> {
    if from <= to {
        return Vec::new();
    }
    let (lo, hi) = (0.505 * to, 0.495 * from);
    (0..20).map(|k| lo + (hi - lo) * k as f64 / 19.0).collect()
}

fn thread_cpu() -> f64 {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `t` is a valid, writable timespec for the call.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    t.tv_sec as f64 + t.tv_nsec as f64 * 1e-9
}

#[test]
#[ignore = "benchmark: run by bench/resample.mjs"]
fn resample_bench() {
    let qualities = [
        ("low", Quality::Low),
        ("medium", Quality::Medium),
        ("high", Quality::High),
        ("best", Quality::Best),
    ];
    for (name, q) in qualities {
        for (from, to) in PAIRS {
            let low = from.min(to);
            let frames = from as usize; // 1 s per tone
            let (mut gain, mut rest, mut stop) = (0f64, -300f64, -300f64);
            for f in passband(low) {
                let mut r = q.resampler(from, to, CHUNK, 1).unwrap();
                let y = stream(&mut r, &tone(f, from, frames), 1);
                let n = (frames as f64 * to / from) as usize;
                let (a, e) = fit(&y[n / 10..n * 9 / 10], f, to);
                gain = gain.max(db(a / AMP).abs());
                rest = rest.max(db(e / AMP));
            }
            for f in stopband(from, to) {
                let mut r = q.resampler(from, to, CHUNK, 1).unwrap();
                let y = stream(&mut r, &tone(f, from, frames), 1);
                let n = (frames as f64 * to / from) as usize;
                let mid = &y[n / 10..n * 9 / 10];
                let rms = (mid.iter().map(|&v| (v as f64).powi(2)).sum::<f64>() / mid.len() as f64)
                    .sqrt();
                stop = stop.max(db(rms * 2f64.sqrt() / AMP));
            }
            // CPU: 10 s of stereo (two tones), in the engine's chunks.
            let seconds = 10.0;
            let len = (from * seconds) as usize;
            let x: Vec<f32> = (0..len * 2)
                .map(|k| {
                    let (i, c) = (k / 2, k % 2);
                    let f = if c == 0 { 440.0 } else { 3000.0 };
                    (AMP * (2.0 * PI * f * i as f64 / from).sin()) as f32
                })
                .collect();
            let mut r = q.resampler(from, to, CHUNK, 2).unwrap();
            let t0 = thread_cpu();
            let y = stream(&mut r, &x, 2);
            let cpu = thread_cpu() - t0;
            std::hint::black_box(&y);
            println!(
                "RESAMPLE {{\"converter\":\"sounddevice {name}\",\"from\":{from},\"to\":{to},\"passband_db\":{gain:.5},\"residual_db\":{rest:.1},\"stopband_db\":{},\"cpu_ms_per_s\":{:.3}}}",
                if stop > -300.0 { format!("{stop:.1}") } else { "null".into() },
                cpu / seconds * 1000.0
            );
        }
    }
}
