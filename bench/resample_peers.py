"""libsoxr (sox's resampler, PyPI `soxr`) and libsamplerate (PyPI `samplerate`)
measured like sounddevice's converter (packages/native-rs/src/engine/tests/
resample_bench.rs): the same tones, the same fits, streamed in 512-frame chunks,
CPU per second of stereo audio. Prints one JSON object per line, prefixed
`RESAMPLE `. Run by bench/resample.mjs."""
import json
import math
import time

import numpy as np
import samplerate
import soxr

PAIRS = [(44100, 48000), (48000, 44100), (16000, 48000), (48000, 16000)]
CHUNK = 512
AMP = 0.5


def soxr_stream(quality):
    def run(x, fin, fout):
        s = soxr.ResampleStream(fin, fout, x.shape[1], dtype='float32', quality=quality)
        out = [s.resample_chunk(x[i:i + CHUNK], last=False) for i in range(0, len(x), CHUNK)]
        out.append(s.resample_chunk(np.zeros((0, x.shape[1]), np.float32), last=True))
        return np.concatenate(out)
    return run


def src_stream(kind):
    def run(x, fin, fout):
        r = samplerate.Resampler(kind, channels=x.shape[1])
        ratio = fout / fin
        out = [r.process(x[i:i + CHUNK], ratio, end_of_input=False) for i in range(0, len(x), CHUNK)]
        out.append(r.process(np.zeros((CHUNK, x.shape[1]), np.float32), ratio, end_of_input=True))
        return np.concatenate(out).astype(np.float32)
    return run


CONVERTERS = [
    ('libsoxr VHQ (sox -v)', soxr_stream('VHQ')),
    ('libsoxr HQ (sox default)', soxr_stream('HQ')),
    ('libsamplerate sinc_best', src_stream('sinc_best')),
    ('libsamplerate sinc_medium', src_stream('sinc_medium')),
    ('libsamplerate sinc_fastest', src_stream('sinc_fastest')),
]


def fit(y, f, rate):
    n = np.arange(len(y))
    w = 2 * math.pi * f * n / rate
    m = np.stack([np.sin(w), np.cos(w)], axis=1)
    coef, *_ = np.linalg.lstsq(m, y.astype(np.float64), rcond=None)
    rest = y - m @ coef
    return math.hypot(*coef), math.sqrt(np.mean(rest ** 2))


def db(x):
    return 20 * math.log10(max(x, 1e-12))


def tone(f, rate, frames):
    return (AMP * np.sin(2 * math.pi * f * np.arange(frames) / rate)).astype(np.float32)[:, None]


def passband(low):
    return [20 * (0.45 * low / 20) ** (k / 39) for k in range(40)]


def stopband(fin, fout):
    if fin <= fout:
        return []
    lo, hi = 0.505 * fout, 0.495 * fin
    return [lo + (hi - lo) * k / 19 for k in range(20)]


def main():
    for name, run in CONVERTERS:
        for fin, fout in PAIRS:
            low = min(fin, fout)
            frames = fin
            n = int(frames * fout / fin)
            gain, rest, stop = 0.0, -300.0, None
            for f in passband(low):
                y = run(tone(f, fin, frames), fin, fout)[:, 0]
                a, e = fit(y[n // 10:n * 9 // 10], f, fout)
                gain = max(gain, abs(db(a / AMP)))
                rest = max(rest, db(e / AMP))
            for f in stopband(fin, fout):
                y = run(tone(f, fin, frames), fin, fout)[:, 0]
                mid = y[n // 10:n * 9 // 10].astype(np.float64)
                s = db(math.sqrt(np.mean(mid ** 2)) * math.sqrt(2) / AMP)
                stop = s if stop is None else max(stop, s)
            seconds = 10
            i = np.arange(fin * seconds)
            x = np.stack([AMP * np.sin(2 * math.pi * 440 * i / fin), AMP * np.sin(2 * math.pi * 3000 * i / fin)], axis=1).astype(np.float32)
            t0 = time.thread_time()
            run(x, fin, fout)
            cpu = time.thread_time() - t0
            print('RESAMPLE ' + json.dumps({
                'converter': name, 'from': fin, 'to': fout,
                'passband_db': round(gain, 5), 'residual_db': round(rest, 1),
                'stopband_db': None if stop is None else round(stop, 1),
                'cpu_ms_per_s': round(cpu / seconds * 1000, 3),
            }), flush=True)


if __name__ == '__main__':
    main()
