"""One benchmark case for Python's sounddevice, in a fresh process.

Usage: python bench/py_case.py '<json spec>'. Prints one line
``RESULT {json}`` on stdout. The counterpart of bench/node-case.mjs.
"""
import json
import os
import resource
import subprocess
import sys
import threading
import time

import numpy as np
import sounddevice as sd

RATE = 48000
CHANNELS = 2


def cpu_seconds():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def proc_status(field):
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith(field + ':'):
                return int(line.split()[1]) * 1024
    return float('nan')


def jack(*args):
    return subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0


def jack_system_device():
    apis = sd.query_hostapis()
    for d in sd.query_devices():
        if d['name'] == 'system' and 'JACK' in apis[d['hostapi']]['name']:
            return d['index']
    raise RuntimeError('no JACK "system" device: is the bench JACK server running?')


class AllocationLoad:
    """The allocation load of case 2: another thread allocates without pause
    (the GIL passes between it and the audio callback every switch interval).
    A rolling window of retained objects keeps the collector busy."""

    def __init__(self):
        self.running = True
        self.allocations = 0
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        keep = [None] * 200_000
        n = len(keep)
        i = 0
        while self.running:
            for _ in range(200):
                i += 1
                keep[(i * 7919) % n] = {'i': i, 'list': [i, i + 1, i + 2], 'text': 'item %d' % i}
            keep[i % n] = np.zeros(64)
        self.allocations = i

    def stop(self):
        self.running = False
        self.thread.join()
        return {'allocations': self.allocations}


def stream_case(s):
    device = jack_system_device()
    counts = [0, 0, 0]  # callbacks, underflows, overflows

    def callback(indata, outdata, frames, time_info, status):
        outdata[:] = indata
        counts[0] += 1
        if status.output_underflow:
            counts[1] += 1
        if status.input_overflow:
            counts[2] += 1

    stream = sd.RawStream(device=device, channels=CHANNELS, dtype='float32', samplerate=RATE,
                          blocksize=s['blockSize'], callback=callback)
    load = AllocationLoad() if s.get('load') else None
    stream.start()
    time.sleep(s['warmup'])
    a = (cpu_seconds(), time.monotonic(), *counts)
    time.sleep(s['seconds'])
    b = (cpu_seconds(), time.monotonic(), *counts)
    load_info = load.stop() if load else None
    latency = stream.latency
    stream.abort()
    stream.close()
    return {
        'callbacks': b[2] - a[2],
        'cpu': b[0] - a[0],
        'wall': b[1] - a[1],
        'underflows': b[3] - a[3],
        'overflows': b[4] - a[4],
        'totalUnderflows': counts[1],
        'reportedLatency': list(latency),
        'load': load_info,
    }


def stream_latency(s):
    device = jack_system_device()
    state = {'frame': 0, 'emit': int(0.3 * RATE), 'found': -1}

    def callback(indata, outdata, frames, time_info, status):
        outdata.fill(0)
        first = state['frame']
        k = state['emit'] - first
        if 0 <= k < frames:
            outdata[k, 0] = 1
        if state['found'] < 0 and first + frames > state['emit']:
            hits = np.nonzero(indata[:, 0] > 0.5)[0]
            hits = hits[first + hits >= state['emit']]
            if len(hits):
                state['found'] = first + int(hits[0])
        state['frame'] = first + frames

    stream = sd.Stream(device=device, channels=CHANNELS, dtype='float32', samplerate=RATE,
                       blocksize=s['blockSize'], callback=callback)
    if not jack('jack_connect', 'PortAudio:out_0', 'PortAudio:in_0'):
        raise RuntimeError('jack_connect failed')
    stream.start()
    jack('jack_disconnect', 'system:capture_1', 'PortAudio:in_0')
    time.sleep(1.0)
    stream.abort()
    stream.close()
    return {'latency': -1 if state['found'] < 0 else state['found'] - state['emit']}


def buffer_case(s):
    device = jack_system_device()
    frames = round(s['seconds'] * RATE)
    data = None
    if s['kind'] == 'play':
        i = np.arange(frames * CHANNELS)
        data = (((i % 200) - 100) / 1000).astype(np.float32).reshape(frames, CHANNELS)
    load = AllocationLoad() if s.get('load') else None
    cpu0 = cpu_seconds()
    t0 = time.monotonic()
    if s['kind'] == 'play':
        sd.play(data, RATE, device=device, blocking=True)
    else:
        sd.rec(frames, RATE, CHANNELS, 'float32', device=device, blocking=True)
    cpu = cpu_seconds() - cpu0
    wall = time.monotonic() - t0
    status = sd.get_status()
    load_info = load.stop() if load else None
    return {
        'cpu': cpu,
        'wall': wall,
        'audioSeconds': s['seconds'],
        'flags': str(status),
        'anyFlag': bool(status),
        'underflows': int(status.output_underflow),
        'overflows': int(status.input_overflow),
        'load': load_info,
    }


def playrec_latency(s):
    device = jack_system_device()
    frames = RATE
    emit = int(0.25 * RATE)
    data = np.zeros((frames, 1), np.float32)
    data[emit, 0] = 1
    rec = sd.playrec(data, RATE, channels=1, dtype='float32', device=device)
    connected = jack('jack_connect', 'PortAudio:out_0', 'PortAudio:in_0')
    jack('jack_disconnect', 'system:capture_1', 'PortAudio:in_0')
    sd.wait()
    hits = np.nonzero(rec[:, 0] > 0.5)[0]
    return {'latency': int(hits[0]) - emit if len(hits) else -1, 'connected': connected}


def memory_case(s):
    device = sd.query_devices('vzero', 'input')['index']
    frames = round(s['minutes'] * 60 * RATE)
    nbytes = frames * CHANNELS * 4
    idle = proc_status('VmRSS')
    with open('/proc/self/clear_refs', 'w') as f:  # reset the peak (VmHWM) to now
        f.write('5')
    t0 = time.monotonic()
    if s['preallocated']:
        out = np.empty((frames, CHANNELS), np.float32)
        result = sd.rec(out=out, samplerate=RATE, device=device, blocking=True)
    else:
        result = sd.rec(frames, RATE, CHANNELS, 'float32', device=device, blocking=True)
    peak = proc_status('VmHWM')
    wall = time.monotonic() - t0
    if result.shape[0] != frames:
        raise RuntimeError('recorded %d frames, not %d' % (result.shape[0], frames))
    return {'idle': idle, 'peak': peak, 'bytes': nbytes, 'ratio': (peak - idle) / nbytes, 'wall': wall}


def blocking_case(s):
    device = jack_system_device()
    bs = s['blockSize']
    stream = sd.RawStream(device=device, channels=CHANNELS, dtype='float32', samplerate=RATE, blocksize=bs)
    stream.start()
    blocks = under = over = 0
    a = None
    t0 = time.monotonic()
    while True:
        now = time.monotonic()
        if a is None and now - t0 >= s['warmup']:
            a = (cpu_seconds(), now, blocks, under, over)
        if a is not None and now - a[1] >= s['seconds']:
            break
        data, overflowed = stream.read(bs)
        if overflowed:
            over += 1
        if stream.write(data):
            under += 1
        blocks += 1
    b = (cpu_seconds(), time.monotonic())
    stream.abort()
    stream.close()
    return {'callbacks': blocks - a[2], 'cpu': b[0] - a[0], 'wall': b[1] - a[1],
            'underflows': under - a[3], 'overflows': over - a[4]}


EXACT_SCALE = 2.0 ** -22


def exact_signal(frames):
    """The known signal of case 8 (see bench/lib/exact.mjs): frame k holds
    ((k + 1) * 2^-22, -(k + 1) * 2^-22) as float32."""
    k = np.arange(1, frames + 1, dtype=np.float64) * EXACT_SCALE
    return np.stack([k, -k], axis=1).astype(np.float32).tobytes()


def frame_of(b, at):
    if at + 8 > len(b):
        return -1
    v = float(np.frombuffer(b, np.float32, 1, at)[0])
    k = round(v / EXACT_SCALE) - 1
    return k if k >= 0 and v == (k + 1) * EXACT_SCALE else -1


def first_mismatch_frame(a, b):
    n = min(len(a), len(b))
    x = np.frombuffer(a, np.uint8, n)
    y = np.frombuffer(b, np.uint8, n)
    diff = np.flatnonzero(x != y)
    if len(diff):
        return int(diff[0]) // 8
    return -1 if len(a) == len(b) else n // 8


def check_exact_output(file, data):
    arr = np.frombuffer(file, np.uint8)
    nz = np.flatnonzero(arr)
    first = int(nz[0]) if len(nz) else len(file)
    lead = first // 8
    start = lead * 8
    body = file[start:start + len(data)]
    rest = np.frombuffer(file, np.uint8)[start + len(data):]
    same = body == data
    tail_zero = not rest.any()
    return {
        'exact': bool(same and tail_zero),
        'fileFrames': len(file) // 8,
        'dataFrames': len(data) // 8,
        'leadingSilenceFrames': lead,
        'trailingFrames': len(rest) // 8,
        'trailingZero': bool(tail_zero),
        'firstFrame': frame_of(file, start),
        'mismatchAtFrame': -1 if same else first_mismatch_frame(body, data),
    }


def check_exact_input(got, frames):
    expected = exact_signal(frames)
    same = got == expected
    first = frame_of(got, 0)
    shifted = None
    if not same and first > 0:
        shifted = got == exact_signal(first + frames)[first * 8:]
    return {
        'exact': bool(same),
        'frames': len(got) // 8,
        'firstFrame': first,
        'mismatchAtFrame': -1 if same else first_mismatch_frame(got, expected),
        'shiftedExact': shifted,
    }


def exact_case(s):
    """Case 8: blocking writes of the known signal to vfile_out (or reads from
    vfile_in) in chunks, timed from opening the stream to its close."""
    frames = round(s['seconds'] * RATE)
    chunk = s['chunk']
    out = s['direction'] == 'out'
    data = exact_signal(frames) if out else None
    got = None if out else bytearray(frames * 8)
    view = memoryview(data) if out else memoryview(got)
    under = over = calls = 0
    cpu0 = cpu_seconds()
    t0 = time.monotonic()
    if out:
        stream = sd.RawOutputStream(device='vfile_out', channels=CHANNELS, dtype='float32', samplerate=RATE)
    else:
        stream = sd.RawInputStream(device='vfile_in', channels=CHANNELS, dtype='float32', samplerate=RATE)
    stream.start()
    for f in range(0, frames, chunk):
        n = min(chunk, frames - f)
        if out:
            if stream.write(view[f * 8:(f + n) * 8]):
                under += 1
        else:
            buf, overflowed = stream.read(n)
            view[f * 8:(f + n) * 8] = buf
            if overflowed:
                over += 1
        calls += 1
    stream.stop()
    stream.close()
    cpu = cpu_seconds() - cpu0
    wall = time.monotonic() - t0
    if out:
        with open(s['outFile'], 'rb') as fh:
            check = check_exact_output(fh.read(), data)
    else:
        check = check_exact_input(bytes(got), frames)
    return {'cpu': cpu, 'wall': wall, 'audioSeconds': frames / RATE, 'calls': calls,
            'underflows': under, 'overflows': over, **check}


CASES = {
    'stream': stream_case,
    'stream-latency': stream_latency,
    'buffer': buffer_case,
    'playrec-latency': playrec_latency,
    'memory': memory_case,
    'blocking': blocking_case,
    'exact': exact_case,
}


def main():
    spec = json.loads(sys.argv[1])
    try:
        result = CASES[spec['case']](spec)
    except Exception as e:  # reported, not raised: the runner records it
        import traceback
        result = {'error': ''.join(traceback.format_exception(e))}
    sys.stdout.write('RESULT ' + json.dumps(result) + '\n')
    sys.stdout.flush()
    sys.exit(0 if "error" not in result else 1)


if __name__ == '__main__':
    main()
