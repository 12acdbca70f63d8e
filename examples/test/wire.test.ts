/**
 * wire on the JACK testbed: a signal played into wire's inputs comes out of
 * its outputs unchanged (JACK is real-time paced, float32 end to end), and
 * the program ends on Return (exit 0) or on Ctrl+C (SIGINT: exit 1, as
 * Python's example does).
 */
import * as sd from '@sounddevice/numeric';
import ndarray from 'ndarray';
import { afterEach, describe, expect, it } from 'vitest';
import { commonPrefix, signal } from './audio.js';
import { connectAll, newPorts, portsNow } from './jack.js';
import { type Running, hasStack, runExample, startExample } from './run.js';

const RATE = 48000;
let running: Running | undefined;

afterEach(async () => {
  if (running && running.child.exitCode === null && running.child.signalCode === null) {
    running.child.kill('SIGKILL');
    await running.exited;
  }
  running = undefined;
});

describe('wire', () => {
  it('--help lists the options of the Python example', async () => {
    const r = await runExample('wire', ['--help']);
    expect(r.code).toBe(0);
    for (const option of ['-i, --input-device <DEVICE>', '-o, --output-device <DEVICE>', '-c, --channels <N>', '-t, --dtype <DTYPE>', '-s, --samplerate <RATE>', '-b, --blocksize <N>', '-l, --latency <SECONDS>']) {
      expect(r.stdout).toContain(option);
    }
    expect(r.stdout).toMatch(/number of channels \(default: 2\)/);
  });

  it('passes audio from input to output, bit-exact, then exits 1 on SIGINT', async () => {
    const before = await portsNow();
    running = startExample('wire', ['-i', 'system', '-o', 'system', '-c', '2']);
    await running.waitFor('press Return to quit');
    const wire = await newPorts(before, { ins: 2, outs: 2 });

    // This process plays 1 s of signal (after 1 s of silence, time to
    // connect) into wire's inputs and records wire's outputs.
    const lead = RATE;
    const sig = signal('float32', RATE, 2, 21);
    const data = new Float32Array((lead + RATE + RATE) * 2);
    data.set(sig, lead * 2);
    const beforeTest = await portsNow();
    const recording = sd.playrec(ndarray(data, [data.length / 2, 2]), { device: 'system', channels: 2, sampleRate: RATE });
    const mine = await newPorts(beforeTest, { ins: 2, outs: 2 });
    await connectAll(mine.outs, wire.ins, 2);
    await connectAll(wire.outs, mine.ins, 2);
    const status = await sd.wait();

    const recorded = recording.data as Float32Array;
    const first = recorded.findIndex((v) => v !== 0);
    expect(first, 'the signal came back').toBeGreaterThan(0);
    const start = first - (first % 2);
    const xruns = status !== null || running.stdout().includes('<CallbackFlags');
    if (!xruns) {
      expect(Array.from(recorded.subarray(start, start + sig.length))).toEqual(Array.from(sig));
      expect(recorded.subarray(start + sig.length).every((v) => v === 0)).toBe(true);
    } else {
      // A busy machine made JACK skip a cycle (reported as a status): the
      // signal still comes back unchanged, up to there at least.
      expect(commonPrefix(recorded.subarray(start), sig)).toBeGreaterThan(RATE / 10);
    }

    running.child.kill('SIGINT');
    const r = await running.exited;
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Interrupted by user');
    expect(hasStack(r.stderr)).toBe(false);
    expect(r.stdout.startsWith(`${'#'.repeat(80)}\npress Return to quit\n${'#'.repeat(80)}\n`)).toBe(true);
  });

  it('Return quits with exit code 0', async () => {
    running = startExample('wire', ['-i', 'system', '-o', 'system']);
    await running.waitFor('press Return to quit');
    running.child.stdin!.write('\n');
    const r = await running.exited;
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
  });

  it('a bad option: exit code 2; too many channels for the device: exit code 1, one line', async () => {
    const dtype = await runExample('wire', ['-t', 'float64']);
    expect(dtype.code).toBe(2);
    expect(dtype.stderr).toContain("argument 'float64' is invalid");
    const device = await runExample('wire', ['-i', 'system', '-o', 'system', '-c', '3']);
    expect(device.code).toBe(1);
    expect(device.stderr.trim().split('\n')).toHaveLength(1);
    expect(device.stderr).toMatch(/^PortAudioError: Error opening Stream: Invalid number of channels: device \d+ 'system' \(input\) cannot take 3; channels must be at most 2 \[PaErrorCode -9998\]$/m);
  });
});
