"""The Python side of the parity tests: one scenario per run.

    python scenarios.py SCENARIO JSON

JSON holds the scenario's parameters (devices, dtypes, paths of input data
files written by the TypeScript side, paths to write results to). Arrays are
exchanged as raw files (C order, native byte order). The last line of stdout
is ``RESULT <json>``. Scenarios that need the TypeScript side to act while
their stream runs (JACK connections) print ``opened``/``started`` lines and,
where stated, wait for a line on stdin before going on.
"""
import json
import sys
import threading
import time

import numpy as np
import sounddevice as sd


def _say(line):
    print(line, flush=True)


def _wait_for_go():
    if sys.stdin.readline().strip() != 'go':
        raise SystemExit('expected "go" on stdin')


def _load(path, dtype, channels):
    """A [frames, channels] array from a raw file ('int24' has no numpy type)."""
    return np.fromfile(path, dtype=dtype).reshape(-1, channels)


def play(p):
    """sd.play() of a data file; with loop, stop after p['seconds']."""
    data = _load(p['data'], p['dtype'], p['channels'])
    kwargs = dict(samplerate=p['samplerate'], device=p['device'], mapping=p.get('mapping'))
    if p.get('loop'):
        sd.play(data, loop=True, **kwargs)
        time.sleep(p['seconds'])
        sd.stop()
    else:
        sd.play(data, blocking=True, **kwargs)
    status = sd.get_status()
    return {'status': str(status)}


def rec(p):
    """sd.rec(blocking=True); the array is written to p['out']."""
    r = sd.rec(p['frames'], samplerate=p['samplerate'], channels=p.get('channels'), dtype=p['dtype'],
               mapping=p.get('mapping'), device=p['device'], blocking=True)
    r.tofile(p['out'])
    return {'shape': list(r.shape), 'dtype': str(r.dtype), 'status': str(sd.get_status())}


def callback_out(p):
    """An OutputStream whose callback plays the blocks of p['data'] and then raises CallbackStop."""
    blocks = _load(p['data'], p['dtype'], p['channels'])
    size = p['blocksize']
    count = len(blocks) // size
    done = threading.Event()
    calls = []

    def callback(outdata, frames, time_, status):
        i = len(calls)
        calls.append((frames, bool(status.output_underflow)))
        outdata[:] = blocks[i * size:(i + 1) * size]
        if i + 1 == count:
            raise sd.CallbackStop

    with sd.OutputStream(device=p['device'], samplerate=p['samplerate'], blocksize=size, channels=p['channels'],
                         dtype=p['dtype'], callback=callback, finished_callback=done.set):
        if not done.wait(10):
            raise SystemExit('the stream did not finish')
    return {'calls': len(calls), 'frames': [c[0] for c in calls], 'underflows': sum(c[1] for c in calls)}


def write(p):
    """Blocking write() of p['data'] on a RawOutputStream (bytes) or OutputStream (array)."""
    kind = sd.RawOutputStream if p['raw'] else sd.OutputStream
    with open(p['data'], 'rb') as f:
        raw = f.read()
    data = raw if p['raw'] else _load(p['data'], p['dtype'], p['channels'])
    with kind(device=p['device'], samplerate=p['samplerate'], channels=p['channels'], dtype=p['dtype']) as s:
        underflowed = s.write(data)
    return {'underflowed': bool(underflowed)}


def read(p):
    """Blocking read(frames) on a RawInputStream or InputStream; the data is written to p['out']."""
    kind = sd.RawInputStream if p['raw'] else sd.InputStream
    with kind(device=p['device'], samplerate=p['samplerate'], channels=p['channels'], dtype=p['dtype']) as s:
        data, overflowed = s.read(p['frames'])
    with open(p['out'], 'wb') as f:
        f.write(bytes(data) if p['raw'] else data.tobytes())
    return {'overflowed': bool(overflowed), 'bytes': len(bytes(data)) if p['raw'] else data.nbytes}


def playrec(p):
    """sd.playrec() on JACK; prints 'started' so that the ports can be connected; the recording goes to p['out']."""
    data = _load(p['data'], 'float32', p['channels'])
    r = sd.playrec(data, samplerate=p['samplerate'], channels=p['channels'], device=p['device'])
    _say('started')
    sd.wait()
    r.tofile(p['out'])
    return {'status': str(sd.get_status())}


def duplex_callback(p):
    """A Stream whose callback plays p['data'] block by block and records its input to p['out'].

    Prints 'opened' and waits for 'go' on stdin before starting (the ports
    are connected in between); stops with CallbackStop after the last block.
    """
    channels = p['channels']
    data = _load(p['data'], 'float32', channels)
    recorded = np.zeros_like(data)
    total = len(data)
    position = [0]
    flags = {}
    done = threading.Event()

    def callback(indata, outdata, frames, time_, status):
        at = position[0]
        n = max(0, min(frames, total - at))
        outdata.fill(0)
        outdata[:n] = data[at:at + n]
        recorded[at:at + n] = indata[:n]
        position[0] = at + frames
        if status:
            flags[str(status)] = flags.get(str(status), 0) + 1
        if position[0] >= total:
            raise sd.CallbackStop

    s = sd.Stream(device=p['device'], samplerate=p['samplerate'], blocksize=p['blocksize'], channels=channels,
                  dtype='float32', callback=callback, finished_callback=done.set)
    latency = list(s.latency)
    _say('opened')
    _wait_for_go()
    with s:
        if not done.wait(30):
            raise SystemExit('the stream did not finish')
    recorded.tofile(p['out'])
    return {'latency': latency, 'flags': flags}


_KINDS = {'InputStream': sd.InputStream, 'OutputStream': sd.OutputStream, 'Stream': sd.Stream}


def attributes(p):
    """latency, blocksize, samplerate of streams opened (with a callback, not started) per case."""
    out = []
    for case in p['cases']:
        kwargs = {k: v for k, v in case.items() if k != 'kind'}
        if isinstance(kwargs.get('device'), list):
            kwargs['device'] = tuple(kwargs['device'])
        with _KINDS[case['kind']](callback=lambda *a: None, **kwargs) as s:
            latency = list(s.latency) if isinstance(s.latency, tuple) else s.latency
            out.append({'latency': latency, 'blockSize': s.blocksize, 'sampleRate': s.samplerate})
    return {'streams': out}


def _error(fn):
    """The class name and PortAudio code (if any) of what fn raises, or None."""
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the class is the result
        code = e.args[1] if isinstance(e, sd.PortAudioError) and len(e.args) > 1 else None
        return {'name': type(e).__name__, 'code': code}
    return None


def fidelity(p):
    """Facts of issue 13 (Python's behaviour the TypeScript side must match) on the testbed."""
    out = {}
    out['defaultDevice'] = [sd.default.device[0], sd.default.device[1]]
    out['flagsStr'] = [str(sd.CallbackFlags(b)) for b in (0, 4, 1 | 8, 31)]
    out['hostApisNone'] = len(sd.query_hostapis(None))
    out['tooManyChannelsOpen'] = _error(lambda: sd.OutputStream(device='system', channels=3))
    out['tooManyChannelsCheck'] = _error(lambda: sd.check_output_settings(device='system', channels=3))
    pairs = dict(device=('vfile_in', 'vfile_out'), channels=(1, 2), dtype=('int16', 'int32'),
                 latency=(0.1, 0.2), samplerate=44100)
    with sd.OutputStream(**pairs) as s:
        out['pairOutput'] = [s.channels, s.dtype, s.device]
    with sd.InputStream(**pairs) as s:
        out['pairInput'] = [s.channels, s.dtype, s.device]

    def lifecycle():
        s = sd.OutputStream(device='system', channels=1, blocksize=256, callback=lambda *a: None)
        s.stop()
        s.abort()
        s.start()
        s.start()
        active = s.active
        s.stop()
        s.stop()
        s.close()
        s.stop()
        s.abort()
        return active
    out['lifecycleActive'] = lifecycle()
    out['stopStrict'] = _error(lambda: sd.OutputStream(device='system', channels=1).stop(ignore_errors=False))
    sd.play(np.zeros((100, 1), 'float32'), 44100, device='vfile_out')
    out['playStream'] = type(sd.get_stream()).__name__
    sd.wait()
    sd.rec(100, 44100, channels=1, device='vfile_in')
    out['recStream'] = type(sd.get_stream()).__name__
    sd.wait()
    sd.playrec(np.zeros((100, 1), 'float32'), 44100, channels=1, device='vfile_in')
    out['playrecStream'] = type(sd.get_stream()).__name__
    sd.wait()
    sd.default.channels = 2
    out['recMappingConflict'] = _error(lambda: sd.rec(100, 44100, mapping=[1], device='vfile_in'))
    sd.default.reset()
    sd.default.dtype = 'float64'
    out['recDefaultFloat64'] = str(sd.rec(100, 44100, channels=1, device='vfile_in', blocking=True).dtype)
    out['streamDefaultFloat64'] = _error(lambda: sd.InputStream(device='vfile_in', samplerate=44100))
    sd.default.reset()
    return out


SCENARIOS = {f.__name__: f for f in (play, rec, callback_out, write, read, playrec, duplex_callback, attributes, fidelity)}

if __name__ == '__main__':
    result = SCENARIOS[sys.argv[1]](json.loads(sys.argv[2]))
    _say('RESULT ' + json.dumps(result))
